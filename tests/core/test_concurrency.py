"""Versions (core/concurrency.py): every change moves a row's version on, and no save overwrites an unseen change."""

import pytest
from django.db import transaction

from core.bulk import column_update
from core.concurrency import PreconditionFailed, expected_version
from marketing.models import Party
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.services.orders import order_confirm, order_update
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_order


def test_a_save_moves_the_version_on_and_updates_only_the_version_it_read(db):
    # given: two copies of the same party, read at version 1
    party = PartyFactory(name="Acme BV")
    mine, theirs = Party.objects.get(pk=party.pk), Party.objects.get(pk=party.pk)

    # when: they save first
    theirs.city = "Utrecht"
    theirs.save()

    # then: my save over version 1 is refused and their change stays
    mine.city = "Rotterdam"
    with pytest.raises(PreconditionFailed) as refused, transaction.atomic():
        mine.save(update_fields=["city"])
    assert refused.value.code == "version-mismatch"
    assert Party.objects.values_list("city", "version").get(pk=party.pk) == ("Utrecht", 2)
    assert theirs.version == 2


def test_a_transition_moves_the_version_on_in_its_own_update(clerk):
    # given
    order = make_order(by=clerk)
    before = SalesOrder.objects.get(pk=order.pk).version

    # when
    confirmed = order_confirm(order=order, by=clerk)

    # then: the in-memory copy knows the version the UPDATE gave the row
    stored = SalesOrder.objects.get(pk=order.pk)
    assert stored.state == "confirmed"
    assert stored.version > before
    assert confirmed.version == stored.version


def test_set_based_writes_move_the_version_on(clerk):
    # given
    order = make_order(by=clerk)
    line = order.lines.get()

    # when
    column_update(SalesOrderLine, "confirmed_ship_date", {line.pk: order.order_date})
    SalesOrder.objects.filter(pk=order.pk).update(customer_reference="PO-1")

    # then
    assert SalesOrderLine.objects.get(pk=line.pk).version == line.version + 1
    assert SalesOrder.objects.get(pk=order.pk).version == order.version + 1


def test_a_service_expecting_a_stale_version_refuses_under_its_lock_and_changes_nothing(clerk):
    # given: the caller saw version 1; the order is at 2 now
    order = make_order(by=clerk)
    order_update(order=order, by=clerk, customer_reference="theirs")

    # when / then
    with pytest.raises(PreconditionFailed), expected_version(SalesOrder, order.pk, 1):
        order_confirm(order=order, by=clerk)
    stored = SalesOrder.objects.get(pk=order.pk)
    assert (stored.state, stored.customer_reference, stored.version) == ("open", "theirs", 2)


def test_a_service_expecting_the_current_version_runs_and_may_read_its_own_change(clerk):
    # given
    order = make_order(by=clerk)

    # when: the confirmation writes and re-reads the order several times inside
    with expected_version(SalesOrder, order.pk, 1):
        order_update(order=order, by=clerk, customer_reference="PO-7")
        confirmed = order_confirm(order=order, by=clerk)

    # then
    assert confirmed.state == "confirmed"
    assert SalesOrder.objects.get(pk=order.pk).customer_reference == "PO-7"

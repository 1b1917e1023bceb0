"""A subscription order's billing terms: entered with the order, edited while it is open, set and dropped
with a change of type."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.errors import ValidationFailed
from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm, order_copy, order_type_change, order_update
from tests.factories.salesapp import ItemFactory, make_order

D = datetime.date


def terms(order):
    order.refresh_from_db()
    return (order.order_type, order.billing_period, order.next_billing_date, order.subscription_end_date)


def test_a_subscription_is_billed_monthly_from_its_order_date_unless_told_otherwise(clerk):
    # when
    order = make_order(order_type="subscription", order_date=D(2026, 10, 1), by=clerk)

    # then
    assert terms(order) == ("subscription", "monthly", D(2026, 10, 1), None)


def test_a_subscription_takes_the_terms_given(clerk):
    # when
    order = make_order(
        order_type="subscription",
        order_date=D(2026, 10, 1),
        billing_period="quarterly",
        next_billing_date=D(2026, 11, 1),
        subscription_end_date=D(2027, 10, 31),
        by=clerk,
    )

    # then
    assert terms(order) == ("subscription", "quarterly", D(2026, 11, 1), D(2027, 10, 31))


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        (
            {"next_billing_date": D(2026, 11, 1), "subscription_end_date": D(2026, 10, 31)},
            "subscription_end_date",
            "The end date cannot be before the next billing date (2026-11-01).",
        ),
        ({"billing_period": "weekly"}, "billing_period", "Choose a billing period: monthly, quarterly, yearly."),
        (
            {"next_billing_date": D(1999, 1, 1)},
            "next_billing_date",
            "Enter a date between 2000-01-01 and 2099-12-31.",
        ),
    ],
)
def test_wrong_terms_are_refused_naming_the_field_and_nothing_is_saved(clerk, given, field, message):
    # given
    item = ItemFactory()
    count = SalesOrder.objects.count()

    # when
    with pytest.raises(ValidationFailed) as refused:
        make_order(order_type="subscription", lines=[(item, "1")], order_date=D(2026, 10, 1), by=clerk, **given)

    # then
    assert refused.value.field_errors == {field: message}
    assert SalesOrder.objects.count() == count


def test_another_type_takes_no_billing_terms(clerk):
    # when
    with pytest.raises(ValidationFailed) as refused:
        make_order(order_type="sales", billing_period="monthly", by=clerk)

    # then
    assert refused.value.field_errors == {
        "billing_period": "Only a subscription order is billed by period: leave this empty."
    }


def test_the_terms_are_edited_while_the_order_is_open(clerk):
    # given
    order = make_order(order_type="subscription", order_date=D(2026, 10, 1), by=clerk)

    # when
    order_update(order=order, billing_period="yearly", subscription_end_date=D(2028, 9, 30), by=clerk)

    # then
    assert terms(order) == ("subscription", "yearly", D(2026, 10, 1), D(2028, 9, 30))


def test_an_edit_with_an_end_before_the_next_billing_date_changes_nothing(clerk):
    # given
    order = make_order(order_type="subscription", order_date=D(2026, 10, 1), by=clerk)
    before = terms(order)

    # when
    with pytest.raises(ValidationFailed) as refused:
        order_update(order=order, subscription_end_date=D(2026, 9, 30), customer_reference="PO-9", by=clerk)

    # then
    assert list(refused.value.field_errors) == ["subscription_end_date"]
    assert terms(order) == before
    assert order.customer_reference == ""


def test_switching_the_type_in_the_header_sets_and_drops_the_terms(clerk):
    # given
    order = make_order(order_type="sales", order_date=D(2026, 10, 1), by=clerk)

    # when / then: becoming a subscription, with a period given
    order_update(order=order, order_type="subscription", billing_period="quarterly", by=clerk)
    assert terms(order) == ("subscription", "quarterly", D(2026, 10, 1), None)
    # when / then: a sales order again
    order_update(order=order, order_type="sales", by=clerk)
    assert terms(order) == ("sales", "", None, None)


def test_changing_the_type_of_a_confirmed_order_gives_it_the_default_terms(clerk):
    # given
    order = order_confirm(order=make_order(order_type="sales", order_date=D(2026, 10, 1), by=clerk), by=clerk)

    # when
    order_type_change(order=order, order_type="subscription", by=clerk)

    # then
    assert terms(order) == ("subscription", "monthly", D(2026, 10, 1), None)
    order_type_change(order=order, order_type="sales", by=clerk)
    assert terms(order) == ("sales", "", None, None)


def test_a_copy_is_billed_as_often_from_its_own_date(clerk):
    # given
    order = make_order(order_type="subscription", order_date=D(2026, 1, 1), billing_period="yearly", by=clerk)

    # when
    copy = order_copy(order=order, by=clerk)

    # then
    assert (copy.billing_period, copy.next_billing_date) == ("yearly", copy.order_date)


def test_the_database_refuses_a_subscription_without_terms(clerk):
    # given
    order = make_order(order_type="subscription", lines=[(ItemFactory(), Decimal("1"))], by=clerk)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesOrder.objects.filter(pk=order.pk).update(billing_period="")

"""Business events are written in the transaction of the change they tell about, and only then."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import TransitionRefused
from core.models import Event
from invoicing.services.payments import ApplicationInput, payment_application_unapply, payment_register
from salesapp.models import SalesOrder
from salesapp.services.customers import customer_update
from salesapp.services.orders import order_cancel, order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.invoicing import posted_credit_note, posted_invoice
from tests.factories.salesapp import ItemFactory, make_customer, make_order

pytestmark = pytest.mark.django_db


def _types(subject) -> list[str]:
    events = Event.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
    return list(events.order_by("id").values_list("type", flat=True))


def test_confirming_an_order_records_its_event_in_the_state_update_itself(clerk):
    # given
    order = make_order(customer=make_customer(), lines=[(ItemFactory(unit_price=Decimal("10.00")), "3")], by=clerk)

    # when
    with CaptureQueriesContext(connection) as captured:
        order_confirm(order=order, by=clerk)

    # then: one event, written by the statement that saves the state and its log row
    event = Event.objects.get(type="sales_order.confirmed")
    assert (event.subject_id, event.actor, event.subject_type.model) == (order.pk, clerk, "salesorder")
    assert event.payload == {
        "schema_version": 1,
        "id": order.pk,
        "number": order.number,
        "customer": order.customer_id,
        "order_type": "sales",
        "state": "confirmed",
        "currency": "EUR",
        "amount_total": "36.30",  # 3 × 10.00 + 21 % tax
        "external_document_number": "",
    }
    writes = [query["sql"] for query in captured.captured_queries if "core_event" in query["sql"]]
    assert len(writes) == 1
    assert writes[0].startswith('WITH saved AS (UPDATE "salesapp_salesorder"')
    assert "django_fsm_log_statelog" in writes[0]


def test_a_refused_transition_records_no_event(clerk):
    # given: an order already canceled
    order = make_order(customer=make_customer(), lines=[(ItemFactory(), "1")], by=clerk)
    order_cancel(order=order, reason="Duplicate", by=clerk)
    before = list(Event.objects.values_list("id", "type"))

    # when
    with pytest.raises(TransitionRefused):
        order_confirm(order=order, by=clerk)

    # then
    assert list(Event.objects.values_list("id", "type")) == before
    assert [event_type for _, event_type in before] == ["customer.created", "sales_order.canceled"]
    assert Event.objects.get(type="sales_order.canceled").payload["reason"] == "Duplicate"


def test_a_stale_save_records_no_event(clerk):
    # given: the order confirmed behind the back of a copy read before
    order = make_order(customer=make_customer(), lines=[(ItemFactory(), "1")], by=clerk)
    stale = SalesOrder.objects.get(pk=order.pk)
    order_confirm(order=order, by=clerk)
    events = Event.objects.count()

    # when: the stale copy's confirmation is saved (the concurrency guard updates nothing)
    from django_fsm import ConcurrentTransition

    from core.events import event_record
    from core.transitions import transition_run, transitions_saved

    with pytest.raises(ConcurrentTransition), transitions_saved(stale):
        transition_run(stale.confirm, by=clerk)
        event_record(type="sales_order.confirmed", subject=stale, by=clerk, data={})

    # then
    assert Event.objects.count() == events


def test_delivery_invoice_credit_note_and_payments_record_their_events(clerk, billing):
    # given: an invoice of 121.00 posted
    invoice = posted_invoice(by=clerk, post_by=billing, store_pdf=False)
    order = invoice.order

    # when: a payment settles it, is taken back, and a credit note is posted
    payment = payment_register(
        customer=invoice.customer,
        amount=Decimal("121.00"),
        applications=[ApplicationInput(invoice=invoice)],
        by=billing,
    )
    payment_application_unapply(application=payment.applications.get(), by=billing)
    note = posted_credit_note(invoice=invoice, by=clerk, post_by=billing)

    # then
    assert _types(order)[:1] == ["sales_order.confirmed"]
    assert _types(invoice) == ["invoice.posted"]
    assert Event.objects.get(type="invoice.posted").payload["amount_total"] == "121.00"
    credit = Event.objects.get(type="credit_note.posted")
    assert (credit.subject_id, credit.payload["amount_total"]) == (note.pk, "-121.00")
    applied, unapplied = Event.objects.filter(type__startswith="payment.").order_by("id")
    assert (applied.type, unapplied.type) == ("payment.applied", "payment.unapplied")
    assert applied.payload["applications"] == [
        {"id": payment.applications.get().pk, "invoice": invoice.pk, "credit_note": None, "amount": "121.00"}
    ]
    assert unapplied.payload["payment"]["amount_applied"] == "0.00"


def test_posting_a_packing_slip_records_its_event(clerk):
    order = order_confirm(order=make_order(customer=make_customer(), lines=[(ItemFactory(), "2")], by=clerk), by=clerk)

    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)

    event = Event.objects.get(type="packing_slip.posted")
    assert event.payload == {
        "schema_version": 1,
        "id": slip.pk,
        "number": slip.number,
        "order": order.pk,
        "ship_date": slip.ship_date.isoformat(),
    }


def test_customer_created_and_changed(manager):
    customer = make_customer(by=manager)

    customer_update(customer=customer, payment_terms_days=14, by=manager)

    created, changed = Event.objects.filter(type__startswith="customer.").order_by("id")
    assert created.subject_id == changed.subject_id == customer.pk
    assert created.type == "customer.created"
    assert (changed.type, changed.payload["changed"], changed.actor) == (
        "customer.changed",
        ["payment_terms_days"],
        manager,
    )

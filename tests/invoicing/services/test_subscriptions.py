"""Billing a subscription's period: one posted invoice per period, the period's quantities kept, the ledger
reset and the order renewed (confirmed) for the next period; refusals change nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_fsm_log.models import StateLog
from pypdf import PdfReader

from core.dates import months_added
from core.errors import ActionForbidden, TransitionRefused
from invoicing.documents import invoice_pdf
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order
from invoicing.services.subscriptions import subscription_period_bill
from salesapp.models import SalesOrder, SubscriptionPeriod, SubscriptionPeriodLine
from salesapp.services.customers import customer_update
from salesapp.services.orders import OrderLineInput, order_confirm, order_create, order_hold
from salesapp.services.packing_slips import order_deliver_remainder, packing_slip_create, packing_slip_post
from salesapp.services.returns import returned_goods_receive, returned_order_create
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = datetime.date
OCT_1 = D(2026, 10, 1)


@pytest.fixture
def subscription(clerk):
    """2 × a 10.00 service at 21 %, billed monthly from 1 Oct 2026: 20.00 net, 24.20 a period."""
    item = ItemFactory(number="SUP-1", name="Support", item_type="service", unit_price=Decimal("10.00"))
    order = make_order(order_type="subscription", lines=[(item, "2")], order_date=OCT_1, by=clerk)
    return order_confirm(order=order, by=clerk)


def ledger(order):
    return list(order.lines.order_by("line_no").values_list("qty_delivered", "qty_invoiced", "qty_closed_short"))


def snapshot(order):
    order = SalesOrder.objects.get(pk=order.pk)
    return {
        "order": (order.state, order.next_billing_date, order.on_hold),
        "ledger": ledger(order),
        "invoices": list(Invoice.objects.values_list("pk", "state", "number")),
        "periods": list(SubscriptionPeriod.objects.values_list("order_id", "period_start")),
    }


def test_a_period_is_invoiced_kept_in_the_history_and_the_order_is_renewed(subscription, manager):
    # when
    invoice = subscription_period_bill(
        order=subscription, bill_until=D(2026, 10, 15), invoice_date=D(2026, 10, 2), by=manager
    )

    # then: one posted invoice of the period, 2 × 10.00 = 20.00 + 21 % = 24.20
    invoice.refresh_from_db()
    assert (invoice.state, invoice.invoice_date, invoice.amount_net, invoice.amount_total) == (
        "posted",
        D(2026, 10, 2),
        Decimal("20.00"),
        Decimal("24.20"),
    )
    period = invoice.subscription_period
    assert (period.order_id, period.period_start, period.period_end, period.billed_by) == (
        subscription.pk,
        OCT_1,
        D(2026, 10, 31),
        manager,
    )
    assert list(SubscriptionPeriodLine.objects.values_list("period", "qty_delivered", "qty_invoiced")) == [
        (period.pk, Decimal("2.000"), Decimal("2.000"))
    ]
    # the ledger starts the next period from zero and the order is confirmed again, billed next on 1 Nov
    order = SalesOrder.objects.get(pk=subscription.pk)
    assert (order.state, order.next_billing_date) == ("confirmed", D(2026, 11, 1))
    assert ledger(order) == [(Decimal("0.000"), Decimal("0.000"), Decimal("0.000"))]


def test_the_timeline_records_the_renewal(subscription, manager):
    # when
    subscription_period_bill(order=subscription, bill_until=OCT_1, by=manager)

    # then: delivered, invoiced and renewed, in that order
    steps = list(StateLog.objects.for_(subscription).order_by("pk").values_list("transition", flat=True))
    assert steps == ["confirm", "mark_delivered", "mark_invoiced", "renew"]


def test_the_second_period_bills_again_and_keeps_its_own_quantities(subscription, manager, clerk):
    # given: the first period billed; in the second, 1 of 2 is shipped early on a packing slip
    subscription_period_bill(order=subscription, bill_until=OCT_1, by=manager)
    line = subscription.lines.get()
    packing_slip_post(packing_slip=packing_slip_create(order=subscription, quantities={line.pk: 1}, by=clerk), by=clerk)

    # when
    invoice = subscription_period_bill(order=subscription, bill_until=D(2026, 11, 1), by=manager)

    # then: the whole period is billed (the rest delivered with it), and both periods keep 2 delivered
    assert [(line.quantity, line.net_amount) for line in invoice.lines.all()] == [(Decimal("2.000"), Decimal("20.00"))]
    assert list(
        SubscriptionPeriodLine.objects.order_by("period__period_start").values_list(
            "period__period_start", "qty_delivered", "qty_invoiced"
        )
    ) == [(OCT_1, Decimal("2.000"), Decimal("2.000")), (D(2026, 11, 1), Decimal("2.000"), Decimal("2.000"))]
    assert Invoice.objects.filter(state="posted").count() == 2
    order = SalesOrder.objects.get(pk=subscription.pk)
    assert (order.state, order.next_billing_date) == ("confirmed", D(2026, 12, 1))


def test_the_last_period_before_the_end_date_ends_the_subscription_invoiced(clerk, manager):
    # given: quarterly, ending 31 Dec 2026: one period left
    item = ItemFactory(unit_price=Decimal("5.00"))
    order = make_order(
        order_type="subscription",
        lines=[(item, "1")],
        order_date=OCT_1,
        billing_period="quarterly",
        subscription_end_date=D(2026, 12, 31),
        by=clerk,
    )
    order_confirm(order=order, by=clerk)

    # when
    invoice = subscription_period_bill(order=order, bill_until=OCT_1, by=manager)

    # then
    assert (invoice.subscription_period.period_start, invoice.subscription_period.period_end) == (
        OCT_1,
        D(2026, 12, 31),
    )
    order.refresh_from_db()
    assert (order.state, order.next_billing_date) == ("invoiced", D(2027, 1, 1))
    with pytest.raises(TransitionRefused) as refused:
        subscription_period_bill(order=order, bill_until=D(2027, 6, 1), by=manager)
    assert refused.value.reason == f"Subscription {order.number} ended on 2026-12-31."


def test_a_month_end_start_moves_to_the_end_of_a_shorter_month():
    # then
    assert months_added(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert months_added(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert months_added(D(2026, 11, 30), 3) == D(2027, 2, 28)


def test_a_period_from_the_31st_of_january_ends_on_the_27th_of_february(clerk, manager):
    # given
    order = make_order(order_type="subscription", lines=[(ItemFactory(), "1")], order_date=D(2027, 1, 31), by=clerk)
    order_confirm(order=order, by=clerk)

    # when
    invoice = subscription_period_bill(order=order, bill_until=D(2027, 1, 31), by=manager)

    # then: the next period starts on 28 Feb
    assert invoice.subscription_period.period_end == D(2027, 2, 27)
    order.refresh_from_db()
    assert order.next_billing_date == D(2027, 2, 28)

    # when: February is billed too
    february = subscription_period_bill(order=order, bill_until=D(2027, 2, 28), by=manager)

    # then: the periods keep to the 31st where the month has one, no drift to the 28th
    assert (february.subscription_period.period_start, february.subscription_period.period_end) == (
        D(2027, 2, 28),
        D(2027, 3, 30),
    )
    order.refresh_from_db()
    assert (order.billing_day, order.next_billing_date) == (31, D(2027, 3, 31))


def _refused(order, manager, bill_until=None):
    bill_until = bill_until or D(2026, 10, 31)
    before = snapshot(order)
    with pytest.raises(TransitionRefused) as refused:
        subscription_period_bill(order=order, bill_until=bill_until, by=manager)
    assert snapshot(order) == before
    return refused.value


def test_a_period_not_due_is_refused_and_nothing_changes(subscription, manager):
    refused = _refused(subscription, manager, bill_until=D(2026, 9, 30))
    assert (refused.code, refused.reason) == (
        "subscription-not-due",
        f"Subscription {subscription.number} is billed next on 2026-10-01.",
    )


def test_a_held_subscription_is_refused_and_nothing_changes(subscription, manager):
    order_hold(order=subscription, reason="Disputed invoice", by=manager)
    refused = _refused(subscription, manager)
    assert (refused.code, refused.reason) == (
        "subscription-not-billable",
        f"Order {subscription.number} is on hold: Disputed invoice. A sales manager can release it.",
    )


def test_a_blocked_customer_is_refused_and_nothing_changes(subscription, manager):
    customer_update(customer=subscription.customer, blocked=True, blocked_reason="Bankrupt", by=manager)
    refused = _refused(subscription, manager)
    assert refused.reason == f"Customer {subscription.customer.number} is blocked: Bankrupt."


def test_nothing_with_a_price_is_refused_and_nothing_changes(clerk, manager):
    item = ItemFactory(unit_price=Decimal("0"))
    order = order_create(
        customer=make_customer(),
        order_type="subscription",
        lines=[OrderLineInput(item=item, quantity=Decimal("1"), price_confirmed=True)],
        order_date=OCT_1,
        by=manager,
    )
    order_confirm(order=order, by=manager)
    refused = _refused(order, manager)
    assert refused.reason == f"Order {order.number} has nothing with a price to bill: give its lines their prices."


def test_an_open_subscription_is_refused_and_nothing_changes(clerk, manager):
    order = make_order(order_type="subscription", order_date=OCT_1, by=clerk)
    refused = _refused(order, manager)
    assert refused.reason == f"Order {order.number} is Open: a subscription is billed once it is confirmed."


def test_a_sales_order_is_not_billed_by_period(clerk, manager):
    order = order_confirm(order=make_order(by=clerk), by=clerk)
    refused = _refused(order, manager)
    assert refused.reason == f"Order {order.number} is not a subscription."


def test_a_period_billed_already_is_refused_by_the_database_and_nothing_changes(subscription, manager):
    # given: the period row exists (a run that billed it while this one read the order)
    SubscriptionPeriod.objects.create(
        order=subscription, period_start=OCT_1, period_end=D(2026, 10, 31), billed_by=manager
    )

    # when / then
    refused = _refused(subscription, manager)
    assert (refused.code, refused.reason) == (
        "subscription-already-billed",
        f"The period of subscription {subscription.number} from 2026-10-01 is billed already.",
    )


def test_a_role_without_billing_runs_may_not_bill(subscription, clerk):
    before = snapshot(subscription)
    with pytest.raises(ActionForbidden):
        subscription_period_bill(order=subscription, bill_until=OCT_1, by=clerk)
    assert snapshot(subscription) == before


def test_the_customer_is_billed_in_its_own_currency_and_terms(manager):
    # given
    customer = make_customer(payment_terms_days=14)
    order = make_order(order_type="subscription", customer=customer, order_date=OCT_1, by=manager)
    order_confirm(order=order, by=manager)

    # when
    invoice = subscription_period_bill(order=order, bill_until=OCT_1, invoice_date=OCT_1, by=manager)

    # then
    assert (invoice.currency, invoice.due_date) == (customer.currency, D(2026, 10, 15))


def test_the_invoice_pdf_shows_the_period(subscription, manager):
    # given
    invoice = subscription_period_bill(order=subscription, bill_until=OCT_1, by=manager)

    # when
    content, _filename = invoice_pdf(Invoice.objects.get(pk=invoice.pk))

    # then
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Period" in text and "1 Oct 2026 – 31 Oct 2026" in text


def test_a_subscription_is_not_invoiced_by_hand_and_nothing_changes(subscription, clerk):
    # given
    before = snapshot(subscription)

    # when
    with pytest.raises(TransitionRefused) as refused:
        invoice_create_from_order(order=subscription, basis="order", by=clerk)

    # then
    assert refused.value.reason == (
        f"Order {subscription.number} is a subscription: a billing run invoices it, one period at a time."
    )
    assert snapshot(subscription) == before


def _statements_to_bill(clerk, manager, lines: int) -> int:
    items = [ItemFactory(unit_price=Decimal("10.00"), item_type="service") for _ in range(lines)]
    order = make_order(order_type="subscription", lines=[(item, "1") for item in items], order_date=OCT_1, by=clerk)
    order_confirm(order=order, by=clerk)
    with CaptureQueriesContext(connection) as queries:
        subscription_period_bill(order=order, bill_until=OCT_1, store_pdf=False, by=manager)
    return len(queries)


def test_billing_a_period_takes_as_many_statements_whatever_the_number_of_lines(clerk, manager):
    # given: the content types and permissions cached, as a running worker has them
    _statements_to_bill(clerk, manager, 1)

    # when
    one, eight = _statements_to_bill(clerk, manager, 1), _statements_to_bill(clerk, manager, 8)

    # then
    assert one == eight


def test_goods_returned_within_a_period_do_not_stop_its_billing_nor_come_back_next_period(clerk, manager):
    # given: a monthly subscription of 2 units, delivered; one unit comes back before the period is billed
    order = make_order(order_type="subscription", lines=[(ItemFactory(), "2")], order_date=D(2027, 1, 1), by=clerk)
    order = order_confirm(order=order, by=clerk)
    order_deliver_remainder(order=order, by=clerk)
    returned = returned_order_create(order=order, quantities={order.lines.get().pk: Decimal("1")}, by=clerk)
    returned_goods_receive(order=order_confirm(order=returned, by=clerk), by=clerk)

    # when: January and February are billed
    january = subscription_period_bill(order=order, bill_until=D(2027, 2, 1), by=manager)
    february = subscription_period_bill(order=order, bill_until=D(2027, 2, 1), by=manager)

    # then: each period bills the subscription's 2 units; the ledger starts February from zero
    assert [line.quantity for line in january.lines.all()] == [Decimal("2")]
    assert [line.quantity for line in february.lines.all()] == [Decimal("2")]
    line = order.lines.get()
    line.refresh_from_db()
    assert (line.qty_delivered, line.qty_returned, line.qty_invoiced) == (Decimal("0"), Decimal("0"), Decimal("0"))

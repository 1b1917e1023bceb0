from decimal import Decimal

import pytest
from django_fsm_log.models import StateLog

from core.errors import TransitionRefused, ValidationFailed
from salesapp.services.customers import customer_update
from salesapp.services.orders import (
    OrderLineInput,
    order_cancel,
    order_confirm,
    order_create,
    order_line_add,
    order_line_remove,
    order_process,
)
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code
from tests.factories.users import builder

D = Decimal


def test_order_create_numbers_prices_and_totals(clerk):
    # given
    customer = make_customer(currency="SEK")
    pen = ItemFactory(number="PEN", name="Pen", unit_price=D("1.2345"), tax_code=tax_code("NL9"))
    desk = ItemFactory(number="DESK", unit_price=D("450.00"))
    # when: the pen takes its catalogue price, the desk a negotiated price and discount
    order = order_create(
        customer=customer,
        lines=[
            OrderLineInput(item=pen, quantity=D("3")),
            OrderLineInput(item=desk, quantity=D("2"), unit_price=D("400"), discount_percent=D("12.5")),
        ],
        by=clerk,
    )
    # then
    assert order.number.startswith("SO-") and order.state == "open" and order.currency == "SEK"
    lines = list(order.lines.order_by("line_no"))
    assert [(ln.line_no, ln.description, ln.unit_price, ln.net_amount) for ln in lines] == [
        (10, "Pen", D("1.2345"), D("3.70")),  # 3.7035 rounds half up once
        (20, desk.name, D("400.0000"), D("700.00")),
    ]
    # tax per code on the sum of nets: 9 % of 3.70 = 0.33, 21 % of 700.00 = 147.00
    assert (order.amount_net, order.amount_tax, order.amount_total) == (D("703.70"), D("147.33"), D("851.03"))


def test_order_create_names_every_bad_field_and_saves_nothing(clerk):
    customer = make_customer()
    item = ItemFactory()
    with pytest.raises(ValidationFailed) as refused:
        order_create(
            customer=customer,
            lines=[
                OrderLineInput(item=item, quantity=D("0")),
                OrderLineInput(item=item, quantity=D("1"), discount_percent=D("120")),
            ],
            by=clerk,
        )
    assert refused.value.field_errors == {
        "lines[0].quantity": "Quantity must be greater than zero.",
        "lines[1].discount_percent": "Discount must be between 0 and 100 %.",
    }
    assert not customer.orders.exists()


def test_blocked_customer_cannot_order(clerk):
    customer = make_customer()
    customer_update(customer=customer, blocked=True, blocked_reason="Unpaid invoices", by=builder())
    customer.refresh_from_db()
    with pytest.raises(ValidationFailed, match="Unpaid invoices"):
        make_order(customer=customer, by=clerk)


def test_confirm_records_who_and_when(clerk):
    order = order_confirm(order=make_order(by=clerk), by=clerk)
    assert order.state == "confirmed" and order.confirmed_at is not None
    log = StateLog.objects.for_(order).get()
    assert (log.source_state, log.state, log.transition, log.by) == ("open", "confirmed", "confirm", clerk)


def test_confirm_twice_is_refused_with_reason(clerk):
    order = order_confirm(order=make_order(by=clerk), by=clerk)
    with pytest.raises(TransitionRefused, match="only open orders can be confirmed"):
        order_confirm(order=order, by=clerk)


def test_order_without_lines_cannot_be_confirmed(clerk):
    order = order_create(customer=make_customer(), lines=[], by=clerk)
    with pytest.raises(TransitionRefused, match="Add at least one line"):
        order_confirm(order=order, by=clerk)
    order.refresh_from_db()
    assert order.state == "open"


def test_journal_order_cannot_be_confirmed(clerk):
    order = make_order(order_type="journal", by=clerk)
    with pytest.raises(TransitionRefused, match="journal order is a draft"):
        order_confirm(order=order, by=clerk)


def test_cancel_keeps_the_reason(clerk):
    order = order_cancel(order=make_order(by=clerk), reason="Customer changed their mind", by=clerk)
    assert (order.state, order.cancel_reason) == ("canceled", "Customer changed their mind")
    assert StateLog.objects.for_(order).get().description == "Customer changed their mind"


def test_cancel_after_delivery_is_refused_and_nothing_changes(clerk):
    # given: 3 of 5 shipped
    item = ItemFactory(number="A-100")
    order = order_confirm(order=make_order(lines=[(item, "5")], by=clerk), by=clerk)
    line = order.lines.get()
    packing_slip_post(packing_slip=packing_slip_create(order=order, quantities={line.pk: D("3")}, by=clerk), by=clerk)
    # when / then
    with pytest.raises(TransitionRefused) as refused:
        order_cancel(order=order, reason="too late", by=clerk)
    assert refused.value.reason == ("3 units already shipped: the order can no longer be canceled.")
    order.refresh_from_db()
    assert (order.state, order.cancel_reason, order.canceled_at) == ("confirmed", "", None)


def test_lines_change_only_while_open(clerk):
    order = make_order(lines=[(ItemFactory(unit_price=D("10")), "1")], by=clerk)
    extra = order_line_add(
        order=order, line=OrderLineInput(item=ItemFactory(unit_price=D("5")), quantity=D("2")), by=clerk
    )
    order.refresh_from_db()
    assert (extra.line_no, order.amount_net) == (20, D("20.00"))
    order = order_line_remove(order_line=extra, by=clerk)
    assert order.amount_net == D("10.00")
    order = order_confirm(order=order, by=clerk)
    with pytest.raises(TransitionRefused, match="only change while it is open"):
        order_line_add(order=order, line=OrderLineInput(item=ItemFactory(), quantity=D("1")), by=clerk)


def test_order_process_is_idempotent(clerk):
    order = order_confirm(order=make_order(by=clerk), by=clerk)
    packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    order.refresh_from_db()
    assert order.state == "delivered"
    for _ in range(2):
        assert order_process(order=order, by=clerk).state == "delivered"
    assert StateLog.objects.for_(order).filter(transition="mark_delivered").count() == 1


def test_cancel_without_reason_leaves_it_empty(clerk):
    order = order_cancel(order=make_order(by=clerk), by=clerk)
    assert (order.state, order.cancel_reason) == ("canceled", "")

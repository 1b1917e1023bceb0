import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_fsm_log.models import StateLog

from core.errors import TransitionRefused, ValidationFailed
from core.models import NumberSeries
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.services.customers import customer_update
from salesapp.services.orders import (
    OrderLineInput,
    order_cancel,
    order_confirm,
    order_create,
    order_line_add,
    order_line_remove,
    order_process,
    order_update,
)
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code
from tests.factories.users import builder

CANCEL_HINT = " Close the undelivered remainder instead, or create a returned order for what came back."

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
    assert refused.value.reason == ("3 units already shipped: the order can no longer be canceled." + CANCEL_HINT)
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


# --- order types, header changes, limits and dates -----------------------------------------------------------------


def orders_snapshot() -> dict:
    """Every order and line as stored, and the next order number: a refusal leaves all of it as it was."""
    return {
        "orders": list(
            SalesOrder.objects.order_by("pk").values_list(
                "pk",
                "number",
                "order_type",
                "state",
                "order_date",
                "requested_ship_date",
                "customer_reference",
                "external_document_number",
                "amount_net",
                "amount_tax",
                "amount_total",
            )
        ),
        "lines": list(
            SalesOrderLine.objects.order_by("pk").values_list(
                "pk", "order_id", "line_no", "quantity", "unit_price", "net_amount", "requested_ship_date"
            )
        ),
        "next_number": NumberSeries.objects.get(code="sales_order").next_value,
    }


def test_unknown_order_type_is_refused(clerk):
    # given
    customer = make_customer()
    before = orders_snapshot()

    # when
    with pytest.raises(ValidationFailed) as refused:
        order_create(customer=customer, lines=[], order_type="barter", by=clerk)

    # then
    assert refused.value.field_errors == {"order_type": "Unknown order type 'barter'."}
    assert orders_snapshot() == before


def test_journal_order_switched_to_sales_can_be_confirmed(clerk):
    # given: a draft the customer has now committed to
    order = make_order(order_type="journal", by=clerk)

    # when
    order = order_update(order=order, order_type="sales", by=clerk)
    order = order_confirm(order=order, by=clerk)

    # then
    order.refresh_from_db()
    assert (order.order_type, order.state) == ("sales", "confirmed")


def test_order_update_changes_the_header_and_leaves_out_what_is_not_given(clerk):
    # given
    order = make_order(customer_reference="PO-1", external_document_number="EXT-1", by=clerk)

    # when: only the references change; the type and date are not named
    order_update(order=order, customer_reference="  PO-2 ", external_document_number="", by=clerk)

    # then
    order.refresh_from_db()
    assert (order.order_type, order.requested_ship_date, order.customer_reference, order.external_document_number) == (
        "sales",
        None,
        "PO-2",
        "",
    )


def test_order_update_moves_the_lines_that_followed_the_header_date(clerk):
    # given: the first line took the header's ship date, the second has its own
    today = timezone.localdate()
    header_date, own_date, new_date = (today + datetime.timedelta(days=days) for days in (7, 20, 10))
    order = order_create(
        customer=make_customer(),
        lines=[
            OrderLineInput(item=ItemFactory(), quantity=D("1")),
            OrderLineInput(item=ItemFactory(), quantity=D("2"), requested_ship_date=own_date),
        ],
        requested_ship_date=header_date,
        by=clerk,
    )

    # when
    order_update(order=order, requested_ship_date=new_date, by=clerk)

    # then
    order.refresh_from_db()
    assert order.requested_ship_date == new_date
    assert list(order.lines.order_by("line_no").values_list("requested_ship_date", flat=True)) == [new_date, own_date]


def test_order_update_of_a_confirmed_order_is_refused_and_nothing_changes(clerk):
    # given
    order = order_confirm(order=make_order(by=clerk), by=clerk)
    before = orders_snapshot()

    # when
    with pytest.raises(TransitionRefused) as refused:
        order_update(order=order, order_type="journal", customer_reference="PO-9", by=clerk)

    # then
    assert refused.value.code == "order-not-editable"
    assert refused.value.reason == (
        f"Order {order.number} is Confirmed: its lines, type, dates and references only change while it is open."
    )
    assert orders_snapshot() == before


def test_order_update_refuses_bad_dates_and_long_references(clerk):
    # given
    order = make_order(order_date=datetime.date(2026, 3, 10), by=clerk)
    before = orders_snapshot()

    # when
    with pytest.raises(ValidationFailed) as before_order_date:
        order_update(order=order, requested_ship_date=datetime.date(2026, 3, 9), by=clerk)
    with pytest.raises(ValidationFailed) as far_future:
        order_update(
            order=order, requested_ship_date=datetime.date(9999, 12, 31), customer_reference="x" * 101, by=clerk
        )

    # then
    assert before_order_date.value.field_errors == {
        "requested_ship_date": "The requested ship date cannot be before the order date (2026-03-10)."
    }
    assert far_future.value.field_errors == {
        "requested_ship_date": "Enter a date between 2000-01-01 and 2099-12-31.",
        "customer_reference": "Enter at most 100 characters.",
    }
    assert orders_snapshot() == before


def test_quantity_and_price_above_the_limits_are_refused_per_field(clerk):
    # given
    customer = make_customer()
    item = ItemFactory()
    before = orders_snapshot()

    # when
    with pytest.raises(ValidationFailed) as refused:
        order_create(
            customer=customer,
            lines=[
                OrderLineInput(item=item, quantity=D("1000000000")),
                OrderLineInput(item=item, quantity=D("1"), unit_price=D("99999999999999.9999")),
            ],
            by=clerk,
        )

    # then
    assert refused.value.field_errors == {
        "lines[0].quantity": "Quantity cannot be more than 999999999.999.",
        "lines[1].unit_price": "Unit price cannot be more than 9999999999.9999.",
    }
    assert orders_snapshot() == before


def test_line_amount_above_the_limit_is_refused_on_the_quantity(clerk):
    # given: both factors within their bounds, their product not
    customer = make_customer()
    item = ItemFactory()
    before = orders_snapshot()

    # when
    with pytest.raises(ValidationFailed) as refused:
        order_create(
            customer=customer,
            lines=[OrderLineInput(item=item, quantity=D("1000"), unit_price=D("1000000000"))],
            by=clerk,
        )

    # then: 1000 × 1,000,000,000 = 1,000,000,000,000.00 > 999,999,999,999.99
    assert refused.value.field_errors == {
        "lines[0].quantity": "The line amount 1000000000000.00 is more than the 999999999999.99 a line may carry: "
        "lower the quantity or the price."
    }
    assert orders_snapshot() == before


def test_order_total_above_the_limit_is_refused_on_the_lines(clerk):
    # given: two lines of 500,000,000,000.00 each (net 1,000,000,000,000.00 plus 21 % tax)
    customer = make_customer()
    item = ItemFactory(tax_code=tax_code("NL21"))
    half = OrderLineInput(item=item, quantity=D("500"), unit_price=D("1000000000"))
    before = orders_snapshot()

    # when
    with pytest.raises(ValidationFailed) as refused:
        order_create(customer=customer, lines=[half, half], by=clerk)

    # then
    assert refused.value.code == "order-total-too-large"
    assert refused.value.field_errors == {
        "lines": "The order total 1210000000000.00 is more than the 999999999999.99 an order may carry: "
        "split it into several orders."
    }
    assert orders_snapshot() == before


def test_adding_a_line_that_takes_the_total_over_the_limit_is_refused(clerk):
    # given: 800,000,000,000.00 without tax already on the order
    item = ItemFactory(tax_code=tax_code("NL0"))
    order = make_order(lines=[(item, "800", "1000000000")], by=clerk)
    before = orders_snapshot()

    # when: 300,000,000,000.00 more
    with pytest.raises(ValidationFailed) as refused:
        order_line_add(
            order=order, line=OrderLineInput(item=item, quantity=D("300"), unit_price=D("1000000000")), by=builder()
        )

    # then
    assert refused.value.field_errors == {
        "lines": "The order total 1100000000000.00 is more than the 999999999999.99 an order may carry: "
        "split it into several orders."
    }
    assert orders_snapshot() == before


def test_the_largest_amounts_fit_the_columns(clerk):
    # given: one line at the amount limit, without tax
    item = ItemFactory(tax_code=tax_code("NL0"))

    # when: 100 × 9,999,999,999.9999 (the largest unit price) = 999,999,999,999.99
    order = order_create(
        customer=make_customer(),
        lines=[OrderLineInput(item=item, quantity=D("100"), unit_price=D("9999999999.9999"))],
        by=clerk,
    )

    # then
    order.refresh_from_db()
    assert (order.amount_net, order.amount_total) == (D("999999999999.99"), D("999999999999.99"))


def test_dates_outside_the_window_or_before_the_order_date_are_refused(clerk):
    # given
    customer = make_customer()
    item = ItemFactory()
    before = orders_snapshot()

    # when
    with pytest.raises(ValidationFailed) as year_one:
        order_create(customer=customer, lines=[], order_date=datetime.date(1, 1, 1), by=clerk)
    with pytest.raises(ValidationFailed) as ship_dates:
        order_create(
            customer=customer,
            lines=[
                OrderLineInput(item=item, quantity=D("1"), requested_ship_date=datetime.date(2026, 5, 31)),
                OrderLineInput(item=item, quantity=D("1"), requested_ship_date=datetime.date(9999, 1, 1)),
            ],
            order_date=datetime.date(2026, 6, 1),
            requested_ship_date=datetime.date(2026, 5, 1),
            by=clerk,
        )

    # then
    assert year_one.value.field_errors == {"order_date": "Enter a date between 2000-01-01 and 2099-12-31."}
    assert ship_dates.value.field_errors == {
        "requested_ship_date": "The requested ship date cannot be before the order date (2026-06-01).",
        "lines[0].requested_ship_date": "The requested ship date cannot be before the order date (2026-06-01).",
        "lines[1].requested_ship_date": "Enter a date between 2000-01-01 and 2099-12-31.",
    }
    assert orders_snapshot() == before


def test_added_line_ship_date_is_checked_against_the_order_date(clerk):
    # given
    order = make_order(order_date=datetime.date(2026, 6, 1), by=clerk)
    before = orders_snapshot()

    # when
    with pytest.raises(ValidationFailed) as refused:
        order_line_add(
            order=order,
            line=OrderLineInput(item=ItemFactory(), quantity=D("1"), requested_ship_date=datetime.date(2026, 1, 1)),
            by=builder(),
        )

    # then
    assert refused.value.field_errors == {
        "requested_ship_date": "The requested ship date cannot be before the order date (2026-06-01)."
    }
    assert orders_snapshot() == before

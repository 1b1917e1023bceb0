import datetime
from decimal import Decimal

import pytest

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from salesapp.models import PackingSlip
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_delete, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_order

D = Decimal


@pytest.fixture
def order(clerk):
    a, b = ItemFactory(number="A-1"), ItemFactory(number="B-2")
    return order_confirm(order=make_order(lines=[(a, "10"), (b, "4")], by=clerk), by=clerk)


def lines_of(order):
    return list(order.lines.order_by("line_no"))


def test_partial_delivery_numbers_the_slip_at_posting(order, clerk):
    line_a, line_b = lines_of(order)
    slip = packing_slip_create(order=order, quantities={line_a.pk: D("6"), line_b.pk: D("0")}, by=clerk)
    assert (slip.state, slip.number, slip.lines.count()) == ("draft", None, 1)
    slip = packing_slip_post(packing_slip=slip, by=clerk)
    line_a.refresh_from_db()
    order.refresh_from_db()
    assert slip.number.startswith("PS-") and slip.posted_at is not None
    assert (line_a.qty_delivered, line_a.deliver_remainder, line_a.invoice_remainder) == (D("6"), D("4"), D("6"))
    assert order.state == "confirmed"


def test_over_delivery_is_refused_naming_the_line(order, clerk):
    line_a, _ = lines_of(order)
    with pytest.raises(ValidationFailed) as refused:
        packing_slip_create(order=order, quantities={line_a.pk: D("11")}, by=clerk)
    assert refused.value.field_errors == {"lines[10].quantity": "Only 10 pcs of A-1 left to deliver; 11 asked."}
    assert not PackingSlip.objects.exists()


def test_two_drafts_cannot_together_ship_more_than_ordered(order, clerk):
    line_a, _ = lines_of(order)
    first = packing_slip_create(order=order, quantities={line_a.pk: D("7")}, by=clerk)
    second = packing_slip_create(order=order, quantities={line_a.pk: D("7")}, by=clerk)
    packing_slip_post(packing_slip=first, by=clerk)
    with pytest.raises(TransitionRefused, match="7 on the slip but only 3 left to deliver"):
        packing_slip_post(packing_slip=second, by=clerk)
    second.refresh_from_db()
    line_a.refresh_from_db()
    assert (second.state, second.number, line_a.qty_delivered) == ("draft", None, D("7"))


def test_posting_twice_is_refused(order, clerk):
    slip = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    with pytest.raises(TransitionRefused, match="already posted"):
        packing_slip_post(packing_slip=slip, by=clerk)


def test_empty_delivery_is_refused(order, clerk):
    with pytest.raises(ValidationFailed, match="at least one line"):
        packing_slip_create(order=order, quantities={line.pk: D("0") for line in lines_of(order)}, by=clerk)


def test_open_order_cannot_be_delivered(clerk):
    with pytest.raises(TransitionRefused, match="confirm it first"):
        packing_slip_create(order=make_order(by=clerk), by=clerk)


def test_posting_needs_the_permission(order, clerk, billing):
    slip = packing_slip_create(order=order, by=clerk)
    with pytest.raises(ActionForbidden):
        packing_slip_post(packing_slip=slip, by=billing)
    slip.refresh_from_db()
    assert slip.state == "draft"


def test_only_drafts_can_be_deleted(order, clerk):
    draft = packing_slip_create(order=order, quantities={lines_of(order)[0].pk: D("1")}, by=clerk)
    packing_slip_delete(packing_slip=draft, by=clerk)
    posted = packing_slip_post(packing_slip=packing_slip_create(order=order, by=clerk), by=clerk)
    with pytest.raises(TransitionRefused, match="cannot be deleted"):
        packing_slip_delete(packing_slip=posted, by=clerk)
    assert list(PackingSlip.objects.values_list("pk", flat=True)) == [posted.pk]


def slips_snapshot(order) -> dict:
    return {
        "slips": list(PackingSlip.objects.order_by("pk").values_list("pk", "state", "number", "ship_date")),
        "lines": list(order.lines.order_by("line_no").values_list("pk", "qty_delivered")),
    }


def test_negative_quantity_is_refused_with_its_own_code(order, clerk):
    # given
    line_a, line_b = lines_of(order)
    before = slips_snapshot(order)

    # when: a negative on one line and too much on the other
    with pytest.raises(ValidationFailed) as refused:
        packing_slip_create(order=order, quantities={line_a.pk: D("-2"), line_b.pk: D("9")}, by=clerk)

    # then: the quantity that is no quantity is named first, with its own code
    assert refused.value.code == "packing-slip-quantity-invalid"
    assert refused.value.field_errors == {
        "lines[10].quantity": "Enter zero or more to ship for line 10; -2 is below zero."
    }
    assert slips_snapshot(order) == before


def test_line_of_another_order_has_its_own_code(order, clerk):
    # given
    other = order_confirm(order=make_order(by=clerk), by=clerk)
    foreign = other.lines.get()
    before = slips_snapshot(order)

    # when
    with pytest.raises(ValidationFailed) as refused:
        packing_slip_create(order=order, quantities={foreign.pk: D("1")}, by=clerk)

    # then
    assert refused.value.code == "packing-slip-line-unknown"
    assert refused.value.field_errors == {
        f"lines[{foreign.pk}]": f"Line {foreign.pk} is not a line of order {order.number}."
    }
    assert slips_snapshot(order) == before


def test_ship_date_outside_the_window_is_refused(order, clerk):
    # given
    before = slips_snapshot(order)

    # when
    with pytest.raises(ValidationFailed) as refused:
        packing_slip_create(order=order, ship_date=datetime.date(9999, 12, 31), by=clerk)

    # then
    assert refused.value.field_errors == {"ship_date": "Enter a date between 2000-01-01 and 2099-12-31."}
    assert slips_snapshot(order) == before

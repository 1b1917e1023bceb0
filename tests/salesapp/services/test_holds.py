"""The hold overlay: no packing slip and no invoice while an order is held (DESIGN.md §4.2)."""

from decimal import Decimal

import pytest

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order
from invoicing.services.payments import payment_register
from marketing.models import Activity
from salesapp.models import PackingSlip, SalesOrder
from salesapp.services.orders import order_cancel, order_confirm, order_hold, order_release_hold
from salesapp.services.packing_slips import order_deliver_remainder, packing_slip_create
from tests.factories.salesapp import ItemFactory, make_customer, make_order

D = Decimal


def _confirmed(by, *, customer=None, quantity="2"):
    order = make_order(customer=customer, lines=[(ItemFactory(unit_price=D("100.00")), quantity)], by=by)
    return order_confirm(order=order, by=by)


def test_a_held_order_gets_no_packing_slip_and_no_invoice_until_released(manager, clerk):
    # given
    order = _confirmed(clerk)

    # when
    held = order_hold(order=order, reason="Address to be checked", by=manager)

    # then: every door refuses with the reason
    assert (held.on_hold, held.hold_reason, held.held_by) == (True, "Address to be checked", manager)
    reason = f"Order {order.number} is on hold: Address to be checked. A sales manager can release it."
    assert held.refusal_reason("deliver") == reason and held.refusal_reason("invoice") == reason
    with pytest.raises(TransitionRefused) as refused:
        packing_slip_create(order=order, quantities={order.lines.get().pk: D("1")}, by=clerk)
    assert refused.value.reason == reason
    with pytest.raises(TransitionRefused) as refused:
        invoice_create_from_order(order=order, basis="order", by=clerk)
    assert refused.value.reason == reason
    assert (PackingSlip.objects.count(), Invoice.objects.count()) == (0, 0)
    assert Activity.objects.filter(
        document_id=order.pk, subject=f"Order {order.number} put on hold: Address to be checked"
    ).exists()

    # when released
    released = order_release_hold(order=order, by=manager)

    # then
    assert (released.on_hold, released.hold_reason, released.held_by) == (False, "", None)
    order_deliver_remainder(order=order, by=clerk)
    assert SalesOrder.objects.get(pk=order.pk).state == "delivered"


def test_only_a_manager_holds_and_a_reason_is_needed(manager, clerk):
    order = _confirmed(clerk)
    with pytest.raises(ActionForbidden):
        order_hold(order=order, reason="Because", by=clerk)
    with pytest.raises(ValidationFailed) as refused:
        order_hold(order=order, reason=" ", by=manager)
    assert refused.value.field_errors == {"reason": "Say why the order is put on hold."}
    order_hold(order=order, reason="Check", by=manager)
    with pytest.raises(ActionForbidden):
        order_release_hold(order=order, by=clerk)
    with pytest.raises(TransitionRefused) as refused:
        order_hold(order=order, reason="Again", by=manager)
    assert refused.value.reason == f"Order {order.number} is on hold already: Check."
    assert SalesOrder.objects.get(pk=order.pk).hold_reason == "Check"


def test_a_prepayment_customer_is_held_until_a_payment_covers_the_order(manager, billing):
    # given: 2 × 100.00 + 21 % = 242.00 to be paid before delivery
    customer = make_customer(prepayment_required=True, by=manager)
    order = _confirmed(manager, customer=customer)
    assert (order.on_hold, order.held_for_prepayment) == (True, True)
    assert order.hold_reason == "Prepayment required: waiting for a payment of EUR 242.00"

    # when: a part is paid, the order stays held
    payment_register(customer=customer, amount=D("200.00"), by=billing)
    assert SalesOrder.objects.get(pk=order.pk).on_hold

    # when: the rest arrives, the money on account covers it
    payment_register(customer=customer, amount=D("42.00"), by=billing)
    order = SalesOrder.objects.get(pk=order.pk)
    assert (order.on_hold, order.held_for_prepayment, order.hold_reason) == (False, False, "")
    assert order.refusal_reason("deliver") is None

    # and money already promised to a released order does not release the next one
    second = _confirmed(manager, customer=customer, quantity="1")
    payment_register(customer=customer, amount=D("100.00"), by=billing)
    assert SalesOrder.objects.get(pk=second.pk).on_hold  # 100.00 < 121.00
    payment_register(customer=customer, amount=D("21.00"), by=billing)
    assert not SalesOrder.objects.get(pk=second.pk).on_hold


def test_an_order_the_money_on_account_covers_is_not_held(manager, billing):
    # given: a customer who pays in advance has paid 300.00 before ordering
    customer = make_customer(prepayment_required=True, by=manager)
    payment_register(customer=customer, amount=D("300.00"), by=billing)

    # when: an order of 242.00, then another of 121.00 (only 58.00 left on account)
    first = _confirmed(manager, customer=customer)
    second = _confirmed(manager, customer=customer, quantity="1")

    # then
    assert (first.on_hold, second.on_hold) == (False, True)
    assert second.hold_reason == "Prepayment required: waiting for a payment of EUR 121.00"


def test_a_canceled_order_drops_its_prepayment_hold_and_a_payment_goes_to_the_live_one(manager, billing):
    # given: two orders of 121.00 held for prepayment; the older one is canceled
    customer = make_customer(prepayment_required=True, by=manager)
    canceled = _confirmed(manager, customer=customer, quantity="1")
    live = _confirmed(manager, customer=customer, quantity="1")
    canceled = order_cancel(order=canceled, reason="Customer changed its mind", by=manager)
    assert (canceled.on_hold, canceled.held_for_prepayment, canceled.hold_reason) == (False, False, "")

    # when: 121.00 is paid
    payment_register(customer=customer, amount=D("121.00"), by=billing)

    # then: the live order is released
    assert not SalesOrder.objects.get(pk=live.pk).on_hold


def test_a_canceled_order_is_not_put_on_hold(manager):
    order = order_cancel(order=_confirmed(manager), by=manager)

    with pytest.raises(TransitionRefused) as refused:
        order_hold(order=order, reason="Check", by=manager)

    assert refused.value.reason == f"Order {order.number} is Canceled: there is nothing left to hold."
    assert not SalesOrder.objects.get(pk=order.pk).on_hold

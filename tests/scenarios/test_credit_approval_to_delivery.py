"""Scenario (issue "Sales orders in full"): an order over the customer's credit limit waits for approval, another
sales manager approves it, and it is delivered."""

from decimal import Decimal

from django_fsm_log.models import StateLog

from core import roles
from salesapp.models import SalesOrder
from salesapp.services.approvals import order_approve
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.factories.users import user_with_role

D = Decimal


def test_credit_limit_over_pending_approval_approved_by_another_manager_delivered(clerk, manager):
    # given: a customer with 500.00 of credit and an order of 5 × 100.00 + 21 % = 605.00
    customer = make_customer(credit_limit=D("500"), by=manager)
    order = make_order(customer=customer, lines=[(ItemFactory(number="A-100", unit_price=D("100.00")), "5")], by=clerk)

    # when the clerk confirms: it waits for approval, and cannot be delivered yet
    order = order_confirm(order=order, by=clerk)
    assert order.state == "pending_approval"
    assert order.refusal_reason("deliver") == f"Order {order.number} is waiting for a sales manager's approval."

    # when another sales manager approves
    other_manager = user_with_role(roles.SALES_MANAGER, username="bertil")
    order = order_approve(order=order, by=other_manager, comment="Seasonal peak, fine")
    assert order.state == "confirmed"

    # when everything is shipped
    line = order.lines.get()
    slip = packing_slip_create(order=order, quantities={line.pk: D("5")}, by=clerk)
    packing_slip_post(packing_slip=slip, by=clerk)

    # then
    order = SalesOrder.objects.get(pk=order.pk)
    assert order.state == "delivered"
    assert [(log.transition, log.by.username) for log in StateLog.objects.for_(order).order_by("id")] == [
        ("request_approval", clerk.username),
        ("approve", "bertil"),
        ("mark_delivered", clerk.username),
    ]

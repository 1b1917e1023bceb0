"""Orders over the credit limit or above the approval threshold wait for a sales manager (DESIGN.md §4.2, §7)."""

from decimal import Decimal

import pytest
from django.core import mail
from django_fsm_log.models import StateLog

from core import roles
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.jobs import jobs_run_due
from marketing.models import Activity
from salesapp.models import OrderApprovalDecision, SalesOrder
from salesapp.services.approvals import order_approve, order_reject
from salesapp.services.customers import customer_update
from salesapp.services.orders import OrderLineInput, order_confirm, order_create, order_line_add
from salesapp.services.packing_slips import packing_slip_create
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.factories.users import user_with_role

D = Decimal


@pytest.fixture
def requester(db):
    user = user_with_role(roles.SALES_MANAGER, username="anna")
    user.email = "anna@northwind.example"
    user.save(update_fields=["email"])
    return user


def _pending(requester, *, limit="1000", quantity="10"):
    """An order of ``quantity`` × 100.00 (+ 21 %) for a customer with ``limit``, confirmed by ``requester``."""
    customer = make_customer(credit_limit=D(limit), by=requester)
    order = make_order(customer=customer, lines=[(ItemFactory(unit_price=D("100.00")), quantity)], by=requester)
    return order_confirm(order=order, by=requester)


def _snapshot(order):
    order = SalesOrder.objects.get(pk=order.pk)
    return (order.state, order.confirmed_at, OrderApprovalDecision.objects.count(), StateLog.objects.count())


def test_an_order_over_the_credit_limit_waits_for_approval_with_the_figures(requester):
    # when: 10 × 100.00 + 21 % = 1210.00 against a limit of 1000.00
    order = _pending(requester)

    # then
    assert order.state == "pending_approval" and order.confirmed_at is None
    assert order.approval_requested_by == requester
    assert order.approval_reason == (
        "Credit limit exceeded: exposure EUR 1210.00 (open receivables 0.00, orders not yet invoiced 0.00, "
        "this order 1210.00) is above the limit of EUR 1000.00."
    )
    log = StateLog.objects.for_(order).get()
    assert (log.transition, log.source_state, log.state, log.by, log.description) == (
        "request_approval",
        "open",
        "pending_approval",
        requester,
        order.approval_reason,
    )


def test_an_order_within_the_limit_is_confirmed_at_once(requester):
    order = _pending(requester, limit="1210")
    assert order.state == "confirmed" and order.approval_requested_by is None


def test_an_order_above_the_approval_threshold_waits(requester, settings):
    # given: no credit limit, a company threshold of 1000.00
    settings.SALESFLOW_ORDER_APPROVAL_THRESHOLD = "1000"
    order = _pending(requester, limit="0")
    assert order.state == "pending_approval"
    assert order.approval_reason == "The order total EUR 1210.00 is above the approval threshold of EUR 1000.00."


def test_the_customers_own_threshold_lets_it_through(requester, settings):
    settings.SALESFLOW_ORDER_APPROVAL_THRESHOLD = "1000"
    customer = make_customer(approval_threshold=D("5000"), by=requester)
    order = make_order(customer=customer, lines=[(ItemFactory(unit_price=D("100.00")), "10")], by=requester)
    assert order_confirm(order=order, by=requester).state == "confirmed"


def test_the_requester_cannot_approve_or_reject_and_nothing_changes(requester):
    order = _pending(requester)
    before = _snapshot(order)
    with pytest.raises(ActionForbidden) as refused:
        order_approve(order=order, by=requester, comment="Fine by me")
    assert refused.value.code == "order-approver-is-requester"
    assert "another sales manager must approve or reject it" in refused.value.reason
    with pytest.raises(ActionForbidden):
        order_reject(order=order, by=requester, comment="No")
    assert _snapshot(order) == before


def test_a_clerk_may_not_approve(requester, clerk):
    order = _pending(requester)
    before = _snapshot(order)
    with pytest.raises(ActionForbidden) as refused:
        order_approve(order=order, by=clerk)
    assert refused.value.reason == "Your role does not allow this action."
    assert _snapshot(order) == before


def test_another_manager_approves_the_requester_is_told_by_email_and_activity(requester, manager):
    # given
    order = _pending(requester)

    # when
    approved = order_approve(order=order, by=manager, comment="Good payer, approved once")

    # then: confirmed, the decision logged with its comment
    assert approved.state == "confirmed" and approved.confirmed_at is not None
    log = StateLog.objects.for_(order).order_by("-id").first()
    assert (log.transition, log.by, log.description) == ("approve", manager, "Good payer, approved once")
    decision = OrderApprovalDecision.objects.get(order=order)
    assert (decision.decision, decision.requested_by, decision.decided_by, decision.comment) == (
        "approved",
        requester,
        manager,
        "Good payer, approved once",
    )
    activity = Activity.objects.get(document_id=order.pk, owner=requester)
    assert activity.subject == f"Order {order.number} approved by sales_manager: Good payer, approved once"
    assert (activity.party_id, activity.done) == (order.customer.party_id, True)
    # the email goes through the job, once
    assert mail.outbox == []
    [run] = jobs_run_due()
    assert run.status == "succeeded"
    [message] = mail.outbox
    assert (message.to, message.subject) == (["anna@northwind.example"], f"Order {order.number} approved")
    assert "was approved by sales_manager" in message.body and "Credit limit exceeded" in message.body
    decision.refresh_from_db()
    assert decision.notified_at is not None
    # a second run sends nothing
    from salesapp.services.approvals import order_approval_notify

    order_approval_notify(decision_id=decision.pk)
    assert len(mail.outbox) == 1


def test_a_rejection_needs_a_comment_and_reopens_the_order_for_the_clerk(requester, manager):
    # given
    order = _pending(requester)
    before = _snapshot(order)
    with pytest.raises(ValidationFailed) as refused:
        order_reject(order=order, by=manager, comment="  ")
    assert refused.value.field_errors == {"comment": "Say why the order is rejected."}
    assert _snapshot(order) == before

    # when
    rejected = order_reject(order=order, by=manager, comment="Lower the quantity to 8")

    # then: open again and editable; the requester has a task to follow up
    assert rejected.state == "open"
    assert rejected.refusal_reason("edit") is None
    activity = Activity.objects.get(document_id=order.pk, owner=requester)
    assert (activity.done, activity.subject) == (
        False,
        f"Order {order.number} rejected by sales_manager: Lower the quantity to 8",
    )
    jobs_run_due()
    [message] = mail.outbox
    assert message.subject == f"Order {order.number} rejected" and "Lower the quantity to 8" in message.body


def test_a_pending_order_is_not_editable_deliverable_or_invoiceable(requester):
    order = _pending(requester)
    assert order.refusal_reason("edit") == (
        f"Order {order.number} is Pending approval: its lines, type, dates and references only change while it is open."
    )
    assert order.refusal_reason("deliver") == f"Order {order.number} is waiting for a sales manager's approval."
    assert order.refusal_reason("invoice") == f"Order {order.number} is waiting for a sales manager's approval."
    with pytest.raises(TransitionRefused) as refused:
        packing_slip_create(order=order, quantities={order.lines.get().pk: D("1")}, by=requester)
    assert refused.value.reason == f"Order {order.number} is waiting for a sales manager's approval."
    with pytest.raises(TransitionRefused):
        order_line_add(order=order, line=OrderLineInput(item=ItemFactory(), quantity=D("1")), by=requester)


def test_a_customer_blocked_while_the_order_waited_cannot_be_approved(requester, manager):
    order = _pending(requester)
    customer_update(customer=order.customer, blocked=True, blocked_reason="Unpaid since March", by=manager)
    before = _snapshot(order)
    with pytest.raises(TransitionRefused) as refused:
        order_approve(order=order, by=manager)
    assert refused.value.reason == f"Customer {order.customer.number} is blocked: Unpaid since March."
    assert _snapshot(order) == before


def test_a_blocked_customer_gets_no_new_orders_and_no_confirmations(manager, clerk):
    # given: an open order, then the customer is blocked
    customer = make_customer(by=manager)
    order = make_order(customer=customer, by=clerk)
    customer = customer_update(customer=customer, blocked=True, blocked_reason="Bankrupt", by=manager)
    # when / then: no new order
    with pytest.raises(ValidationFailed) as refused:
        order_create(customer=customer, lines=[OrderLineInput(item=ItemFactory(), quantity=D("1"))], by=clerk)
    assert refused.value.field_errors["customer"] == f"Customer {customer.number} is blocked: Bankrupt."
    # and no confirmation
    with pytest.raises(TransitionRefused) as refused:
        order_confirm(order=order, by=clerk)
    assert refused.value.reason == f"Customer {customer.number} is blocked: Bankrupt."
    assert SalesOrder.objects.get(pk=order.pk).state == "open"

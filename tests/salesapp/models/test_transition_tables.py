"""The whole transition table of the sales documents: which step goes from where to where, who may take it,
and what a refusal says (DESIGN.md §4.2). The table is read from the models, so a change to a transition
shows up here."""

from decimal import Decimal

import pytest

from core.roles import ADMINISTRATOR, BILLING_CLERK, INTEGRATOR, SALES_CLERK, SALES_MANAGER
from core.transitions import transition_refusal, transition_table
from salesapp.models import PackingSlip, SalesAgreement, SalesOrder
from salesapp.services.orders import order_cancel, order_confirm
from salesapp.services.packing_slips import order_deliver_remainder, packing_slip_create, packing_slip_post
from tests.factories.agreements import make_sales_agreement
from tests.factories.salesapp import ItemFactory, make_order
from tests.factories.users import user_with_role

CANCEL_HINT = " Close the undelivered remainder instead, or create a returned order for what came back."

ROLES = [SALES_CLERK, SALES_MANAGER, BILLING_CLERK, INTEGRATOR, ADMINISTRATOR]


def test_sales_order_transition_table():
    assert transition_table(SalesOrder) == [
        ("approve", "pending_approval", "confirmed", "salesapp.approve_salesorder"),
        ("cancel", "confirmed", "canceled", "salesapp.cancel_salesorder"),
        ("cancel", "open", "canceled", "salesapp.cancel_salesorder"),
        ("confirm", "open", "confirmed", "salesapp.confirm_salesorder"),
        ("mark_delivered", "confirmed", "delivered", None),
        ("mark_invoiced", "delivered", "invoiced", None),
        ("reject", "pending_approval", "open", "salesapp.approve_salesorder"),
        ("renew", "invoiced", "confirmed", None),
        ("reopen_delivery", "delivered", "confirmed", None),
        ("reopen_invoicing", "invoiced", "delivered", None),
        ("request_approval", "open", "pending_approval", "salesapp.confirm_salesorder"),
    ]


def test_packing_slip_transition_table():
    assert transition_table(PackingSlip) == [
        ("cancel", "posted", "canceled", "salesapp.cancel_packingslip"),
        ("post", "draft", "posted", "salesapp.post_packingslip"),
    ]


@pytest.mark.parametrize(
    ("transition", "allowed_roles"),
    [
        ("confirm", {SALES_CLERK, SALES_MANAGER, INTEGRATOR, ADMINISTRATOR}),
        ("cancel", {SALES_CLERK, SALES_MANAGER, INTEGRATOR, ADMINISTRATOR}),
    ],
)
def test_who_may_take_an_order_transition(db, transition, allowed_roles):
    # given: an open order with a line, where every condition holds
    order = make_order()

    # when
    allowed = {
        role
        for role in ROLES
        if transition_refusal(order, transition, user=user_with_role(role, username=f"table {role}")) is None
    }

    # then
    assert allowed == allowed_roles


def _order_in(state: str, clerk) -> SalesOrder:
    order = make_order(lines=[(ItemFactory(number="A-100"), "5")], by=clerk)
    if state == "open":
        return order
    if state == "canceled":
        return order_cancel(order=order, reason="Ordered twice", by=clerk)
    order = order_confirm(order=order, by=clerk)
    if state == "confirmed":
        return order
    order_deliver_remainder(order=order, by=clerk)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize(
    ("state", "transition", "reason"),
    [
        ("confirmed", "confirm", "Order {number} is Confirmed: only open orders can be confirmed."),
        ("canceled", "confirm", "Order {number} is Canceled: only open orders can be confirmed."),
        ("delivered", "cancel", "Order {number} is Delivered: it can no longer be canceled."),
        ("canceled", "cancel", "Order {number} is Canceled: it can no longer be canceled."),
        ("open", "mark_delivered", "'Delivered' is not possible: {number} is Open."),
        ("confirmed", "mark_invoiced", "'Invoiced' is not possible: {number} is Confirmed."),
    ],
)
def test_why_an_order_transition_is_refused_in_a_state(clerk, state, transition, reason):
    order = _order_in(state, clerk)
    assert order.state == state
    assert transition_refusal(order, transition) == reason.format(number=order.number)


def test_why_an_order_transition_is_refused_by_its_conditions(clerk):
    # given: an order shipped in part, an order without lines, an order of a blocked customer, a journal order
    shipped = _order_in("confirmed", clerk)
    slip = packing_slip_create(order=shipped, quantities={shipped.lines.get().pk: Decimal("2")}, by=clerk)
    packing_slip_post(packing_slip=slip, by=clerk)
    empty = make_order(by=clerk)
    empty.lines.all().delete()
    journal = make_order(order_type="journal", by=clerk)

    # then: each reason comes from the condition that failed
    assert (
        transition_refusal(shipped, "cancel")
        == "2 units already shipped: the order can no longer be canceled." + CANCEL_HINT
    )
    assert transition_refusal(empty, "confirm") == "Add at least one line before confirming the order."
    assert (
        transition_refusal(journal, "confirm")
        == "A journal order is a draft: change its type to Sales order before confirming."
    )
    assert transition_refusal(shipped, "mark_delivered") == f"Order {shipped.number} still has quantities to deliver."


def test_who_may_post_a_packing_slip_and_why_a_posted_one_is_refused(clerk):
    # given
    order = _order_in("confirmed", clerk)
    draft = packing_slip_create(order=order, by=clerk)

    # when
    allowed = {
        role
        for role in ROLES
        if transition_refusal(draft, "post", user=user_with_role(role, username=f"table {role}")) is None
    }
    posted = packing_slip_post(packing_slip=draft, by=clerk)

    # then
    assert allowed == {SALES_CLERK, SALES_MANAGER, INTEGRATOR, ADMINISTRATOR}
    assert transition_refusal(posted, "post") == f"Packing slip {posted.number} is already posted."


def test_quotation_transition_table():
    from salesapp.models import Quotation

    assert transition_table(Quotation) == [
        ("accept", "sent", "accepted", "salesapp.accept_quotation"),
        ("cancel", "draft", "canceled", "salesapp.change_quotation"),
        ("cancel", "sent", "canceled", "salesapp.change_quotation"),
        ("expire", "sent", "expired", None),
        ("lose", "draft", "lost", "salesapp.change_quotation"),
        ("lose", "sent", "lost", "salesapp.change_quotation"),
        ("revise", "sent", "draft", "salesapp.change_quotation"),
        ("send", "draft", "sent", "salesapp.send_quotation"),
    ]


@pytest.mark.parametrize(
    ("state", "transition", "refusal"),
    [
        ("draft", "send", None),
        ("draft", "accept", "only a sent quotation can be accepted"),
        ("draft", "revise", "only a sent quotation can be revised"),
        ("draft", "expire", "'Expired' is not possible"),
        ("sent", "send", "only a draft can be sent"),
        ("sent", "accept", None),
        ("sent", "revise", None),
        ("sent", "lose", None),
        ("sent", "cancel", None),
        ("canceled", "cancel", "it can no longer be canceled"),
        ("canceled", "lose", "only a draft or sent quotation can be lost"),
        ("lost", "revise", "only a sent quotation can be revised"),
    ],
)
def test_quotation_transitions_from_each_state(db, clerk, state, transition, refusal):
    from salesapp.services.quotations import quotation_cancel, quotation_lose, quotation_send
    from tests.factories.quotations import make_quotation

    quotation = make_quotation(lines=[(ItemFactory(), "1")], by=clerk)
    if state in ("sent", "lost"):
        quotation = quotation_send(quotation=quotation, by=clerk)
    if state == "canceled":
        quotation = quotation_cancel(quotation=quotation, by=clerk)
    if state == "lost":
        quotation = quotation_lose(quotation=quotation, reason="price", by=clerk)

    reason = transition_refusal(quotation, transition, user=clerk)

    if refusal is None:
        assert reason is None
    else:
        expected = refusal % quotation.number if "%s" in refusal else refusal
        assert expected in reason


def test_sales_agreement_transition_table():
    assert transition_table(SalesAgreement) == [
        ("activate", "on_hold", "effective", "salesapp.change_salesagreement"),
        ("cancel", "on_hold", "canceled", "salesapp.change_salesagreement"),
        ("close", "effective", "closed", "salesapp.change_salesagreement"),
        ("hold", "effective", "on_hold", "salesapp.change_salesagreement"),
    ]


def test_who_may_activate_a_sales_agreement(db):
    agreement = make_sales_agreement(
        commitment_type="none", lines=[{"item": ItemFactory(), "unit_price": Decimal("1")}]
    )
    allowed = {
        role
        for role in ROLES
        if transition_refusal(agreement, "activate", user=user_with_role(role, username=f"agreement {role}")) is None
    }
    assert allowed == {SALES_MANAGER, INTEGRATOR, ADMINISTRATOR}

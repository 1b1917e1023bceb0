"""The whole transition table of invoices, posting and payment progress: which step goes from where to where,
who may take it, and what a refusal says (DESIGN.md §5). Read from the model, so a change shows up here."""

from decimal import Decimal

from core.roles import ADMINISTRATOR, BILLING_CLERK, INTEGRATOR, SALES_CLERK, SALES_MANAGER
from core.transitions import transition_refusal, transition_table
from invoicing.models import Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import ItemFactory, make_order
from tests.factories.users import user_with_role

ROLES = [SALES_CLERK, SALES_MANAGER, BILLING_CLERK, INTEGRATOR, ADMINISTRATOR]


def draft_invoice(clerk) -> Invoice:
    order = make_order(lines=[(ItemFactory(unit_price=Decimal("100.00")), "1")], by=clerk)
    return invoice_create_from_order(order=order_confirm(order=order, by=clerk), basis="order", by=clerk)


def test_invoice_transition_table():
    # posting moves the document; payment progress is its own field, moved by payments only
    assert transition_table(Invoice) == [
        ("cancel", "posted", "canceled", "invoicing.cancel_invoice"),
        ("pay_fully", "partially_paid", "paid", None),
        ("pay_fully", "unpaid", "paid", None),
        ("pay_none", "paid", "unpaid", None),
        ("pay_none", "partially_paid", "unpaid", None),
        ("pay_partially", "paid", "partially_paid", None),
        ("pay_partially", "unpaid", "partially_paid", None),
        ("post", "draft", "posted", "invoicing.post_invoice"),
    ]


def test_who_may_post_an_invoice(clerk):
    # given
    invoice = draft_invoice(clerk)
    users = {role: user_with_role(role, username=f"table {role}") for role in ROLES}

    # when
    allowed = {role for role in ROLES if transition_refusal(invoice, "post", user=users[role]) is None}

    # then: billing posts, the sales roles do not (the integrator posts for the systems it connects)
    assert allowed == {BILLING_CLERK, INTEGRATOR, ADMINISTRATOR}


def test_why_an_invoice_step_is_refused(clerk, billing):
    # given: a draft without lines and a posted invoice
    empty = draft_invoice(clerk)
    empty.lines.all().delete()
    posted = invoice_post(invoice=draft_invoice(clerk), by=billing)

    # then
    assert transition_refusal(empty, "post") == "The invoice has no lines to post."
    assert transition_refusal(posted, "post") == (
        f"Invoice {posted.number} is posted and cannot be posted again: correct it with a credit note."
    )
    assert transition_refusal(posted, "pay_partially") is None

"""A billing clerk settles a customer's account through the pages: a payment for one invoice, a credit note set
off against another, a refund of a second credit note, and an application taken back."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core import roles
from invoicing.models import Invoice, Payment
from invoicing.services.credit_notes import credit_note_create
from invoicing.services.invoices import invoice_post
from tests.factories.invoicing import posted_slip_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer
from tests.factories.users import user_with_role

pytestmark = pytest.mark.e2e
D = Decimal


def goodwill(invoice: Invoice, amount: str, *, by) -> Invoice:
    line = invoice.lines.order_by("line_no").first()
    note = credit_note_create(invoice=invoice, lines={line.pk: amount}, reason="Goodwill", by=by)
    return invoice_post(invoice=note, by=by)


def test_a_payment_a_set_off_a_refund_and_an_application_taken_back(logged_in_page):
    # given: two posted invoices of 221.55 and two goodwill credit notes (−12.10 and −6.05)
    page = logged_in_page(roles.BILLING_CLERK)
    clerk = user_with_role(roles.SALES_CLERK)
    customer = make_customer(party=PartyFactory(name="Alpine Ski House"))
    first = posted_slip_invoice(by=clerk, post_by=page.user, customer=customer)
    second = posted_slip_invoice(by=clerk, post_by=page.user, customer=customer)
    set_off_note = goodwill(first, "10.00", by=page.user)
    refunded_note = goodwill(first, "5.00", by=page.user)

    # when: the first invoice is paid from its page (the amount is proposed: what is open)
    page.goto(f"/invoicing/invoices/{first.pk}/")
    page.get_by_role("link", name="Register payment").click()
    expect(page.get_by_label("Amount:", exact=True)).to_have_value("221.55")
    page.get_by_label("Reference").fill("Bank 2026-118")
    page.get_by_role("button", name="Register payment").click()

    # then: the invoice is paid
    expect(page.locator("h1 .badge.paid")).to_have_text("Paid")
    expect(page.locator("#settlements")).to_contain_text("221.55")

    # when: the first credit note is set off against the second invoice
    page.goto(f"/invoicing/invoices/{set_off_note.pk}/")
    page.get_by_role("link", name="Set off against invoices").click()
    page.get_by_label(f"Amount for {second.number}").fill("12.10")
    page.get_by_role("button", name="Set off").click()

    # then: the credit note is settled and the second invoice partly paid, with no money moved
    expect(page.locator("#settlements")).to_contain_text(second.number)
    second.refresh_from_db()
    assert (second.payment_state, second.amount_paid) == ("partially_paid", D("12.10"))
    set_off_note.refresh_from_db()
    assert set_off_note.payment_state == "paid"

    # when: the second credit note is paid out as a refund
    page.goto(f"/invoicing/invoices/{refunded_note.pk}/")
    page.get_by_role("link", name="Refund").click()
    expect(page.get_by_label("Direction")).to_have_value("refund")
    page.get_by_label("Amount:", exact=True).fill("6.05")
    page.get_by_role("button", name="Register payment").click()
    page.get_by_role("link", name="Apply").click()
    # the proposal is the credit note's open amount, entered as a positive amount to pay out
    expect(page.get_by_label(f"Amount for {refunded_note.number}")).to_have_value("6.05")
    page.get_by_role("button", name="Apply").click()

    # then: the refund settles the credit note
    refund = Payment.objects.get(direction="refund")
    expect(page.locator("#applications")).to_contain_text(refunded_note.number)
    refunded_note.refresh_from_db()
    assert (refund.amount, refunded_note.payment_state) == (D("6.05"), "paid")

    # when: the payment of the first invoice is taken back
    receipt = Payment.objects.get(direction="receipt")
    page.goto(f"/invoicing/payments/{receipt.pk}/")
    page.get_by_role("button", name="Un-apply").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()

    # then: the row stays, stamped; the invoice is open again and the money is on account
    expect(page.locator("#applications")).to_contain_text("taken back by")
    first.refresh_from_db()
    assert (first.payment_state, first.amount_paid) == ("unpaid", D("0.00"))
    receipt.refresh_from_db()
    assert receipt.amount_unapplied == D("221.55")

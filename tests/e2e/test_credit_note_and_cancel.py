"""A billing clerk credits part of a posted invoice (goodwill) and cancels another one that was sent by mistake;
the aging report then shows what the customer still owes."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core import roles
from invoicing.models import Invoice
from tests.factories.invoicing import posted_slip_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer
from tests.factories.users import user_with_role

pytestmark = pytest.mark.e2e


def test_a_goodwill_credit_note_and_a_cancel_show_in_the_aging(logged_in_page):
    # given: two posted invoices of 221.55 for one customer
    page = logged_in_page(roles.BILLING_CLERK)
    clerk = user_with_role(roles.SALES_CLERK)
    customer = make_customer(party=PartyFactory(name="Tailspin Toys"))
    credited = posted_slip_invoice(by=clerk, post_by=page.user, customer=customer)
    mistaken = posted_slip_invoice(by=clerk, post_by=page.user, customer=customer)

    # when: 10.00 of the first invoice's first line is credited as goodwill
    page.goto(f"/invoicing/invoices/{credited.pk}/")
    page.get_by_role("link", name="Credit note").click()
    page.get_by_label("Amount to credit on line 10").fill("10.00")
    page.get_by_label("Reason").fill("Goodwill for the late delivery")
    page.get_by_role("button", name="Create draft credit note").click()
    expect(page.locator("h1")).to_contain_text("Draft credit note")
    page.get_by_role("button", name="Post").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()

    # then: a numbered credit note of −12.10 that names the invoice and the reason
    expect(page.locator("h1")).to_contain_text("Credit note CN-")
    expect(page.locator("main")).to_contain_text(credited.number)
    expect(page.locator("main")).to_contain_text("Goodwill for the late delivery")
    note = Invoice.objects.get(credited_invoice=credited)
    assert (note.state, note.amount_total) == ("posted", Decimal("-12.10"))

    # when: the second invoice is canceled
    page.goto(f"/invoicing/invoices/{mistaken.pk}/")
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()

    # then: it is canceled and owes nothing
    expect(page.locator("h1 .badge").first).to_have_text("Canceled")
    expect(page.locator("#amount-open")).to_have_text("nothing (canceled)")

    # and the aging report shows only what is left of the first invoice
    page.get_by_role("link", name="Aging").click()
    row = page.locator("#aging tbody tr", has_text="Tailspin Toys")
    expect(row).to_contain_text("EUR 209.45")

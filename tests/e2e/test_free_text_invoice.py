"""A billing clerk creates a free text invoice from the invoice list, types two lines with the keyboard and posts
it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core import roles
from invoicing.models import Invoice, JournalLine
from tests.e2e.conftest import choose
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer

pytestmark = pytest.mark.e2e


def test_billing_clerk_creates_a_free_text_invoice_with_two_lines_and_posts_it(logged_in_page):
    # given
    customer = make_customer(party=PartyFactory(name="Woodgrove Consulting"), payment_terms_days=14)
    page = logged_in_page(roles.BILLING_CLERK)

    # when: a new free text invoice for the customer, from the invoice list
    page.goto("/invoicing/invoices/")
    page.get_by_role("link", name="New free text invoice").click()
    choose(page, "#id_customer", "woodgrove", str(customer))
    page.get_by_role("button", name="Create and add lines").click()
    expect(page.locator(".messages")).to_contain_text("created: add its lines")

    # and two lines typed, each added with Enter from the last field typed
    account = page.get_by_label("Revenue account")
    expect(account).to_be_focused()
    account.select_option(label="8100 Revenue, services")
    page.get_by_label("Description").fill("Strategy workshop")
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Tax code").select_option("NL21")
    page.get_by_label("Unit price").fill("450")
    page.get_by_label("Unit price").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Line added.")
    page.get_by_label("Revenue account").select_option(label="8000 Revenue, goods")
    page.get_by_label("Description").fill("Workshop materials")
    page.get_by_label("Quantity").fill("10")
    page.get_by_label("Tax code").select_option("NL9")
    page.get_by_label("Unit price").fill("12.50")
    page.get_by_label("Unit price").press("Enter")

    # then: 900.00 at 21 % (189.00) + 125.00 at 9 % (11.25)
    expect(page.locator("#free-text-lines tbody tr")).to_have_count(2)
    expect(page.locator("#invoice-amount-total")).to_have_text("EUR 1,225.25")

    # when: posted, after the confirmation
    page.get_by_role("button", name="Post").click()
    page.locator("dialog.confirm-dialog").get_by_role("button", name="Confirm").click()

    # then: numbered from the invoice series and booked per revenue account
    expect(page.locator(".messages")).to_contain_text("Invoice posted.")
    invoice = Invoice.objects.get()
    expect(page.locator("h1")).to_contain_text(f"Invoice {invoice.number}")
    assert invoice.number.startswith("INV-") and invoice.amount_total == Decimal("1225.25")
    revenue = dict(
        JournalLine.objects.filter(entry__invoice=invoice, account__kind="revenue").values_list(
            "account__number", "credit"
        )
    )
    assert revenue == {"8100": Decimal("900.00"), "8000": Decimal("125.00")}

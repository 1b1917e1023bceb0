"""A clerk makes a quotation for a prospect, sends it, revises it, sends r2, compares, accepts r2 and lands on
the sales order made from it; the prospect's new customer account has the customer template's terms."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from salesapp.models import Customer, Quotation
from tests.e2e.conftest import choose, login
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory

pytestmark = pytest.mark.e2e


def test_clerk_quotes_a_prospect_revises_and_accepts_r2(page, clerk, settings):
    # given: new customers start in SEK with 14 days to pay (not the defaults an account has otherwise)
    settings.SALESFLOW_CUSTOMER_TEMPLATE = {
        **settings.SALESFLOW_CUSTOMER_TEMPLATE,
        "currency": "SEK",
        "payment_terms_days": 14,
    }
    PartyFactory(name="Tailspin Toys", city="Utrecht")
    ItemFactory(number="A-100", name="Bracket", unit_price=Decimal("12.50"))
    ItemFactory(number="B-200", name="Bucket", unit_price=Decimal("30.00"))
    login(page, clerk)

    # when: a new quotation for the prospect
    page.goto("/sales/quotations/new/")
    field = page.locator("#id_party")
    field.fill("Tailspin")
    listbox = page.locator(f"#{field.get_attribute('aria-controls')}")
    expect(listbox.get_by_role("option").first).to_contain_text("Tailspin Toys")
    field.press("Enter")
    page.get_by_role("button", name="Create quotation").click()
    expect(page.locator(".messages")).to_contain_text("add its lines")

    # a line, then send (r1)
    choose(page, "#id_add-item", "A-100", "A-100 Bracket (12.50 / pcs)")
    page.locator("#id_add-quantity").fill("4")
    page.locator("#quotation-line-form").get_by_role("button", name="Add line").click()
    expect(page.locator("#quotation-amount-net")).to_contain_text("50.00")
    page.locator("#quotation-status").get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_contain_text("r1")

    # revise: a second line, send again (r2)
    page.locator("#quotation-status").get_by_role("button", name="Revise").click()
    choose(page, "#id_add-item", "B-200", "B-200 Bucket (30.00 / pcs)")
    page.locator("#id_add-quantity").fill("1")
    page.locator("#quotation-line-form").get_by_role("button", name="Add line").click()
    page.locator("#quotation-status").get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_contain_text("r2")

    # compare r1 with r2
    page.locator("#quotation-revisions").get_by_role("button", name="Compare").click()
    expect(page.locator("#revision-comparison")).to_contain_text("added")
    expect(page.locator("#comparison-total-delta")).to_contain_text("36.30")
    page.go_back()

    # accept r2, confirming in the dialog
    page.locator("#quotation-status").get_by_role("button", name="Accept r2").click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("Accept r2")
    dialog.get_by_role("button", name="Confirm").click()

    # then: the sales order made from r2
    expect(page.locator("h1")).to_contain_text("Sales order")
    quotation = Quotation.objects.get()
    assert (quotation.state, quotation.accepted_revision) == ("accepted", 2)
    expect(page.locator("#order-amount-total")).to_contain_text(f"SEK {quotation.amount_total:.2f}")

    # and the prospect is a customer now, on the template's currency and payment terms
    customer = Customer.objects.get(party__name="Tailspin Toys")
    assert (customer.currency, customer.payment_terms_days) == ("SEK", 14)
    assert quotation.customer == customer
    page.locator("dl.facts").get_by_role("link", name="Tailspin Toys").click()
    expect(page.locator("h1")).to_contain_text("Tailspin Toys")
    facts = page.locator("dl.facts").first
    expect(facts.locator("dt:has-text('Currency') + dd")).to_have_text("SEK")
    expect(facts.locator("dt:has-text('Payment terms') + dd")).to_have_text("14 days")

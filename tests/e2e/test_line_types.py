"""A clerk adds a write-in and a comment line to a draft quotation, sends it, accepts it into an order, and the
order shows both lines with the totals the comment left alone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from salesapp.models import SalesOrder
from salesapp.services.quotations import QuotationLineInput, quotation_create
from tests.e2e.conftest import login
from tests.factories.salesapp import ItemFactory, make_customer, make_write_in_item, tax_code

pytestmark = pytest.mark.e2e


def test_clerk_quotes_a_write_in_and_a_comment_and_the_order_keeps_them(page, clerk):
    # given: a draft quotation for 2 lamps at 12.50 (25.00 net, 21 % tax)
    make_write_in_item()
    lamp = ItemFactory(number="A-100", name="Desk lamp", unit_price=Decimal("12.50"), tax_code=tax_code("NL21"))
    quotation = quotation_create(
        customer=make_customer(), lines=[QuotationLineInput(item=lamp, quantity=Decimal("2"))], by=clerk
    )
    login(page, clerk)
    page.goto(f"/sales/quotations/{quotation.pk}/")
    form = page.locator("#quotation-line-form")

    # when: a write-in line; the item field goes away, the typed price makes the amount
    form.locator("#id_add-line_type").select_option(label="Write-in")
    expect(form.locator("#id_add-item")).to_be_hidden()
    form.locator("#id_add-description").fill("Bracket 40 mm, galvanised, as drawing 7")
    form.locator("#id_add-quantity").fill("3")
    form.locator("#id_add-unit_price").fill("4.20")
    expect(page.locator("#quotation-line-preview")).to_contain_text("line EUR 12.60")
    form.get_by_role("button", name="Add line").click()
    expect(page.locator(".messages")).to_contain_text("Line 20 added.")
    # 25.00 + 12.60 = 37.60 net; 7.90 tax; 45.50
    expect(page.locator("#quotation-amount-total")).to_contain_text("45.50")

    # and a comment line: only its text is asked for
    form.locator("#id_add-line_type").select_option(label="Comment")
    expect(form.locator("#id_add-quantity")).to_be_hidden()
    expect(form.locator("#id_add-unit_price")).to_be_hidden()
    form.locator("#id_add-description").fill("Deliver to gate 4, weekdays before noon")
    expect(page.locator("#quotation-line-preview")).to_contain_text("A comment line: text only, no amount.")
    form.get_by_role("button", name="Add line").click()
    expect(page.locator(".messages")).to_contain_text("Line 30 added.")
    expect(page.locator("#quotation-lines tr.comment-line")).to_contain_text("Deliver to gate 4")
    expect(page.locator("#quotation-amount-total")).to_contain_text("45.50")

    # sent, then accepted into an order
    page.locator("#quotation-status").get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_contain_text("r1")
    page.locator("#quotation-status").get_by_role("button", name="Accept r1").click()
    page.locator("dialog.confirm-dialog").get_by_role("button", name="Confirm").click()

    # then: the order page shows both lines, and the comment changed no total
    expect(page.locator("h1")).to_contain_text("Sales order")
    lines = page.locator("#order-lines")
    expect(lines.locator("tr", has_text="Bracket 40 mm")).to_contain_text("write-in")
    expect(lines.locator("tr", has_text="Bracket 40 mm")).to_contain_text("12.60")
    expect(lines.locator("tr.comment-line")).to_contain_text("Deliver to gate 4, weekdays before noon")
    expect(page.locator("#order-amount-net")).to_contain_text("37.60")
    expect(page.locator("#order-amount-total")).to_contain_text("45.50")
    assert SalesOrder.objects.get().amount_total == Decimal("45.50")

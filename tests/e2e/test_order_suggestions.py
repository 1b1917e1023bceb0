"""A clerk on an open order takes a cross-sell suggestion, undoes it, and inserts a standard line set."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from salesapp.models import SuggestionEvent
from tests.e2e.conftest import login
from tests.factories.salesapp import ItemFactory, make_customer, make_line_set, make_order, make_relation

pytestmark = pytest.mark.e2e
D = Decimal


def test_clerk_adds_a_cross_sell_undoes_it_and_inserts_standard_lines(page, clerk):
    # given: an open order of 2 printers; a cable is the printer's cross-sell; a supplies set for everyone
    printer = ItemFactory(number="P-100", name="Printer", unit_price=D("200.00"))
    cable = ItemFactory(number="C-1", name="USB cable", unit_price=D("7.50"))
    paper = ItemFactory(number="PAPER", name="Copy paper", unit_price=D("4.00"))
    make_relation(item=printer, suggested_item=cable, pitch="Printers ship without one.")
    make_line_set(name="Monthly supplies", lines=[(paper, "10")])
    order = make_order(customer=make_customer(), lines=[(printer, "2")], by=clerk)
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")
    lines = page.locator("#order-lines")
    expect(lines).to_contain_text("Printers ship without one.")

    # when: the clerk adds the cable
    lines.get_by_role("button", name="Add C-1 USB cable").click()

    # then: a second line for 2 cables, the suggestion gone, an undo offered
    expect(page.locator("#order-amount-net")).to_have_text("EUR 415.00")
    expect(lines.locator("tbody tr")).to_have_count(2)
    expect(lines.get_by_role("button", name="Add C-1 USB cable")).to_have_count(0)

    # when: undone
    lines.get_by_role("button", name="Undo").click()

    # then: back to the printers alone, and the suggestion is offered again
    expect(page.locator("#order-amount-net")).to_have_text("EUR 400.00")
    expect(lines.locator("tbody tr")).to_have_count(1)
    expect(lines.get_by_role("button", name="Add C-1 USB cable")).to_be_visible()

    # when: the supplies set is inserted
    lines.get_by_label("Standard line set").select_option(label="Monthly supplies")
    lines.get_by_role("button", name="Insert standard lines").click()

    # then: 10 × 4.00 added
    expect(page.locator("#order-amount-net")).to_have_text("EUR 440.00")
    expect(lines).to_contain_text("Copy paper")
    assert list(order.lines.order_by("line_no").values_list("item__number", flat=True)) == ["P-100", "PAPER"]
    assert SuggestionEvent.objects.get(kind="accepted").undone_by == clerk

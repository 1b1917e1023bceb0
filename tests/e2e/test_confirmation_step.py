"""The confirmation step before an irreversible action: a dialog that works with the keyboard alone."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from salesapp.models import SalesOrder
from tests.e2e.conftest import login
from tests.factories.salesapp import ItemFactory, make_order

pytestmark = pytest.mark.e2e


def test_removing_a_line_asks_first_and_back_keeps_it(page: Page, clerk):
    # given: an open order with two lines
    order = make_order(lines=[(ItemFactory(number="A-100"), "2"), (ItemFactory(number="B-200"), "1")], by=clerk)
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")

    # when: the clerk presses remove on line 10 and then Escape
    page.get_by_role("button", name="Remove line 10").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Remove line 10 from the order?")
    expect(dialog.get_by_role("button", name="Back")).to_be_focused()
    page.keyboard.press("Escape")

    # then: the line stays
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("button", name="Remove line 10")).to_be_visible()
    assert SalesOrder.objects.get(pk=order.pk).lines.count() == 2


def test_confirming_with_the_keyboard_removes_the_line(page: Page, clerk):
    # given
    order = make_order(lines=[(ItemFactory(number="A-100"), "2"), (ItemFactory(number="B-200"), "1")], by=clerk)
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")

    # when: remove, then Tab to Confirm and Enter
    page.get_by_role("button", name="Remove line 10").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("dialog").get_by_role("button", name="Confirm")).to_be_focused()
    page.keyboard.press("Enter")

    # then
    expect(page.get_by_role("button", name="Remove line 10")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove line 20")).to_be_visible()
    assert list(SalesOrder.objects.get(pk=order.pk).lines.values_list("quantity", flat=True)) == [Decimal("1")]


def test_canceling_an_order_asks_first(page: Page, clerk):
    # given
    order = make_order(by=clerk)
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")

    # when: cancel, then Back
    page.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_role("dialog")).to_contain_text("Cancel this order? This cannot be undone.")
    page.get_by_role("dialog").get_by_role("button", name="Back").click()

    # then: nothing happened; confirming cancels
    assert SalesOrder.objects.get(pk=order.pk).state == "open"
    page.get_by_role("button", name="Cancel order").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(page.locator("h1 .badge")).to_have_text("Canceled")

"""Irreversible actions ask first: removing an order line opens a dialog; Back (or Esc) keeps the line, Confirm
removes it, with the mouse or with the keyboard alone."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from core import roles
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

pytestmark = pytest.mark.e2e

D = Decimal


def open_order(by):
    """An open order of 10 × A-100 (line 10) and 4 × B-200 (line 20)."""
    item_a = ItemFactory(number="A-100", name="Bracket", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    item_b = ItemFactory(number="B-200", name="Hinge", unit_price=D("30.00"), tax_code=tax_code("NL9"))
    customer = make_customer(party=PartyFactory(name="Acme Trading"))
    return make_order(customer=customer, lines=[(item_a, "10"), (item_b, "4")], by=by)


def line_rows(page: Page):
    return page.locator("#order-lines tbody tr")


def test_removing_a_line_asks_first_back_keeps_it_confirm_removes_it(logged_in_page):
    # given: an open order with two lines on screen
    page = logged_in_page(roles.SALES_CLERK)
    order = open_order(page.user)
    page.goto(f"/sales/orders/{order.pk}/")
    expect(line_rows(page)).to_have_count(2)
    dialog = page.locator("dialog.confirm-dialog")

    # when: remove line 20, then Back
    page.get_by_role("button", name="Remove line 20").click()

    # then: the dialog asks, with the focus on Back; nothing was removed
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Remove line 20 from the order?")
    expect(dialog.get_by_role("button", name="Back")).to_be_focused()
    dialog.get_by_role("button", name="Back").click()
    expect(dialog).to_be_hidden()
    expect(line_rows(page)).to_have_count(2)
    assert order.lines.count() == 2

    # when: remove line 20 again, and Confirm
    page.get_by_role("button", name="Remove line 20").click()
    dialog.get_by_role("button", name="Confirm").click()

    # then: the line is gone, on screen and in the database
    expect(line_rows(page)).to_have_count(1)
    expect(line_rows(page).first).to_contain_text("A-100")
    assert list(order.lines.values_list("item__number", flat=True)) == ["A-100"]


def test_the_confirmation_works_with_the_keyboard_alone(logged_in_page):
    # given
    page = logged_in_page(roles.SALES_CLERK)
    order = open_order(page.user)
    page.goto(f"/sales/orders/{order.pk}/")
    dialog = page.locator("dialog.confirm-dialog")
    remove = page.get_by_role("button", name="Remove line 10")

    # when: Enter on the remove button, then Esc
    remove.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Back")).to_be_focused()
    page.keyboard.press("Escape")

    # then: cancelled, the focus back on the remove button, both lines kept
    expect(dialog).to_be_hidden()
    expect(remove).to_be_focused()
    expect(line_rows(page)).to_have_count(2)
    assert order.lines.count() == 2

    # when: Enter again, Shift+Tab from Back to Confirm, Enter
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_focused()
    page.keyboard.press("Enter")

    # then: line 10 is removed
    expect(line_rows(page)).to_have_count(1)
    expect(line_rows(page).first).to_contain_text("B-200")
    assert list(order.lines.values_list("item__number", flat=True)) == ["B-200"]

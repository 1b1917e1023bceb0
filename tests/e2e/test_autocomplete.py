"""A clerk picks the customer of a new order by typing part of its name and choosing with the keyboard."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from salesapp.models import SalesOrder
from salesapp.services.customers import customer_update
from tests.e2e.conftest import choose, login
from tests.factories.invoicing import posted_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer

pytestmark = pytest.mark.e2e


def test_clerk_types_part_of_a_customer_name_picks_with_the_keyboard_and_saves_the_order(page, clerk):
    # given: two customers named alike and a blocked one, and an item
    first = make_customer(party=PartyFactory(name="Hendriks Drukwerk"))
    second = make_customer(party=PartyFactory(name="Hendriks Papier"))
    blocked = make_customer(party=PartyFactory(name="Hendriks Blocked"))
    customer_update(customer=blocked, by=blocked.created_by, blocked=True, blocked_reason="Unpaid")
    ItemFactory(number="A-100", name="Bracket", unit_price=Decimal("12.50"))
    login(page, clerk)
    page.goto("/sales/orders/new/")

    # when: part of the name is typed; the list offers the unblocked ones, the first highlighted
    customer = page.get_by_role("combobox", name="Customer")
    expect(customer).to_be_focused()
    customer.press_sequentially("driks")
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option")).to_have_text([str(first), str(second)])
    expect(customer).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")

    # Arrow Down moves to the second, Escape closes without choosing, Arrow Down opens again
    customer.press("ArrowDown")
    expect(listbox.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
    expect(customer).to_have_attribute(
        "aria-activedescendant", listbox.get_by_role("option").nth(1).get_attribute("id")
    )
    customer.press("Escape")
    expect(listbox).to_be_hidden()
    expect(customer).to_have_attribute("aria-expanded", "false")
    customer.press("ArrowDown")
    expect(listbox.get_by_role("option")).to_have_count(2)
    customer.press("ArrowDown")
    customer.press("Enter")

    # then: the second is chosen, and Enter did not submit the form
    expect(customer).to_have_value(str(second))
    expect(page.locator("input[name=customer]")).to_have_value(str(second.pk))
    expect(page.locator("h1")).to_have_text("New sales order")

    # when: the line's item is picked the same way and the order is saved
    choose(page, "#id_lines-0-item", "brack", "A-100 Bracket (12.50 / pcs)")
    page.locator("#id_lines-0-quantity").fill("3")
    page.get_by_role("button", name="Create order").click()

    # then
    expect(page.locator(".messages")).to_contain_text("Sales order SO-000001 created.")
    order = SalesOrder.objects.get()
    assert (order.customer, order.amount_net) == (second, Decimal("37.50"))


def test_text_typed_without_choosing_is_matched_on_save_or_refused_naming_the_field(page, clerk):
    # given
    customer = make_customer(party=PartyFactory(name="Acme Trading"))
    ItemFactory(number="A-100", name="Bracket", unit_price=Decimal("12.50"))
    login(page, clerk)
    page.goto("/sales/orders/new/")

    # when: a vague name is typed and the form sent without choosing
    page.get_by_role("combobox", name="Customer").fill("acm")
    page.keyboard.press("Tab")
    choose(page, "#id_lines-0-item", "A-100", "A-100 Bracket (12.50 / pcs)")
    page.locator("#id_lines-0-quantity").fill("1")
    page.get_by_role("button", name="Create order").click()

    # then: refused beside the field, what was typed kept
    expect(page.locator(".errorlist").first).to_have_text("Customer: no customer has the number or name “acm”.")
    expect(page.get_by_role("combobox", name="Customer")).to_have_value("acm")

    # when: the exact number is typed instead
    page.get_by_role("combobox", name="Customer").fill(customer.number)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Create order").click()

    # then
    expect(page.locator(".messages")).to_contain_text("Sales order SO-000001 created.")
    assert SalesOrder.objects.get().customer == customer


def test_choosing_the_customer_of_a_payment_offers_its_open_invoices(page, clerk, billing):
    # given: a posted invoice of Acme Trading
    customer = make_customer(party=PartyFactory(name="Acme Trading"))
    invoice = posted_invoice(by=clerk, post_by=billing, customer=customer, store_pdf=False)
    login(page, billing)
    page.goto("/invoicing/payments/new/")
    expect(page.locator("#id_invoice option")).to_have_count(1)  # the empty choice only

    # when
    choose(page, "#id_customer", "acme", str(customer))

    # then: the invoice choice now holds the customer's open invoice
    expect(page.locator("#id_invoice option")).to_have_count(2)
    expect(page.locator("#id_invoice option").nth(1)).to_contain_text(invoice.number)

"""The clerk's main road in the browser: enter an order, confirm, ship part of it, invoice what shipped, get paid.

Reference data (items, customers) is made through factories and services; everything a clerk does on screen is
done through the pages, and the results are read back from the pages (and, where the page cannot show it, from
the database to prove that nothing changed).

Amounts of the running example: 10 × A-100 at 12.50 (NL21) and 4 × B-200 at 30.00 (NL9):
net 245.00, tax 26.25 + 10.80 = 37.05, total 282.05. Shipping 6 A and 4 B and invoicing that:
net 75.00 + 120.00 = 195.00, tax 15.75 + 10.80 = 26.55, total 221.55.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from salesapp.models import SalesOrder
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.e2e.conftest import choose, login
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

pytestmark = pytest.mark.e2e

D = Decimal


def reference_data():
    item_a = ItemFactory(number="A-100", name="Bracket", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    item_b = ItemFactory(number="B-200", name="Hinge", unit_price=D("30.00"), tax_code=tax_code("NL9"))
    customer = make_customer(party=PartyFactory(name="Acme Trading"), payment_terms_days=14)
    return item_a, item_b, customer


def confirmed_order(clerk):
    item_a, item_b, customer = reference_data()
    order = make_order(customer=customer, lines=[(item_a, "10"), (item_b, "4")], by=clerk)
    return order_confirm(order=order, by=clerk)


def order_lines(order: SalesOrder):
    return list(order.lines.order_by("line_no"))


def open_new_order_form(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sales orders").first.click()
    expect(page.locator("h1")).to_contain_text("Sales orders")
    page.get_by_role("link", name="New sales order").click()
    expect(page.locator("h1")).to_have_text("New sales order")


def add_form_line(page: Page, index: int) -> None:
    """Click "Add line" and wait for htmx to append row ``index``."""
    page.get_by_role("button", name="Add line").click()
    expect(page.locator(f"#id_lines-{index}-item")).to_be_visible()
    expect(page.locator("#order-form-lines-body tr")).to_have_count(index + 1)


def test_clerk_enters_and_confirms_an_order(page, clerk):
    # given
    item_a, item_b, customer = reference_data()
    login(page, clerk)
    open_new_order_form(page)

    # when: the order is typed in, the second line added with htmx
    choose(page, "#id_customer", "acme", str(customer))
    choose(page, "#id_lines-0-item", "a-1", "A-100 Bracket (12.50 / pcs)")
    page.locator("#id_lines-0-quantity").fill("10")
    add_form_line(page, 1)
    expect(page.locator("#id_lines-1-item")).to_be_focused()
    choose(page, "#id_lines-1-item", "hinge", "B-200 Hinge (30.00 / pcs)")
    page.locator("#id_lines-1-quantity").fill("4")
    page.get_by_role("button", name="Create order").click()

    # then: the order page shows the lines and the exact totals, status open
    expect(page.locator("h1")).to_contain_text("Sales order SO-000001")
    expect(page.locator(".messages")).to_contain_text("Sales order SO-000001 created.")
    order = SalesOrder.objects.get(number="SO-000001")
    line_a, line_b = order_lines(order)
    expect(page.get_by_role("link", name=str(customer))).to_be_visible()
    expect(page.locator(f"#order-line-{line_a.pk} td").nth(1)).to_have_text("A-100")
    expect(page.locator(f"#order-line-{line_a.pk} td").nth(3)).to_have_text("10 pcs")
    expect(page.locator(f"#order-line-{line_a.pk} td").nth(11)).to_have_text("NL21")
    expect(page.locator(f"#order-line-{line_a.pk} td").nth(12)).to_have_text("125.00")
    expect(page.locator(f"#order-line-{line_b.pk} td").nth(1)).to_have_text("B-200")
    expect(page.locator(f"#order-line-{line_b.pk} td").nth(11)).to_have_text("NL9")
    expect(page.locator(f"#order-line-{line_b.pk} td").nth(12)).to_have_text("120.00")
    expect(page.locator("#order-amount-net")).to_have_text("EUR 245.00")
    expect(page.locator("#order-amount-tax")).to_have_text("EUR 37.05")
    expect(page.locator("#order-amount-total")).to_have_text("EUR 282.05")
    expect(page.locator("#order-status .statusbar [aria-current=step]")).to_have_text("Open")
    expect(page.locator("ul.timeline li")).to_have_text(["No status changes yet."])

    # when
    page.get_by_role("button", name="Confirm").click()

    # then: confirmed, and the history says who confirmed it
    expect(page.locator(".messages")).to_contain_text("Order SO-000001 confirmed.")
    expect(page.locator("#order-status .statusbar [aria-current=step]")).to_have_text("Confirmed")
    expect(page.locator("#order-status .statusbar span.done")).to_have_text(["Open"])
    expect(page.locator("h1 .badge")).to_have_text("Confirmed")
    expect(page.locator("ul.timeline li")).to_have_count(1)
    expect(page.locator("ul.timeline li")).to_contain_text(f"Confirm: Open → Confirmed by {clerk.username}")
    expect(page.get_by_role("button", name="Confirm", exact=True)).to_have_count(0)
    order.refresh_from_db()
    assert order.state == "confirmed"


def test_partial_delivery_is_invoiced_and_paid_in_two_payments(page, clerk, billing):
    # given
    order = confirmed_order(clerk)
    line_a, line_b = order_lines(order)
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")

    # when: the clerk ships 6 of A and all of B
    page.get_by_role("link", name="Create packing slip").click()
    expect(page.locator("h1")).to_contain_text("New packing slip")
    ship_a = page.get_by_label(f"Quantity to ship for line {line_a.line_no}")
    ship_b = page.get_by_label(f"Quantity to ship for line {line_b.line_no}")
    expect(ship_a).to_have_value("10")
    expect(ship_b).to_have_value("4")
    ship_a.fill("6")
    page.get_by_role("button", name="Create packing slip").click()
    expect(page.locator("h1")).to_contain_text("Packing slip Draft")
    page.get_by_role("button", name="Post").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()

    # then: the slip is numbered and posted
    expect(page.locator("h1")).to_contain_text("Packing slip PS-000001")
    expect(page.locator("h1 .badge")).to_have_text("Posted")
    expect(page.locator(".messages")).to_contain_text("Packing slip posted")

    # when: back to the order
    page.get_by_role("link", name=f"Sales order {order.number}").click()

    # then: still confirmed, partially delivered, 4 of A left to deliver
    expect(page.locator("#order-status .statusbar [aria-current=step]")).to_have_text("Confirmed")
    expect(page.locator("#order-status")).to_contain_text("1 of 2 lines delivered, 0 invoiced · partially delivered")
    expect(page.locator("#order-status")).to_contain_text("Still to deliver: 4 pcs of A-100")
    # columns: ordered, delivered, invoiced, to deliver, to invoice
    expect(page.locator(f"#order-line-{line_a.pk} td.num").nth(0)).to_have_text("10 pcs")
    expect(page.locator(f"#order-line-{line_a.pk} td.num").nth(1)).to_have_text("6")
    expect(page.locator(f"#order-line-{line_a.pk} td.num").nth(4)).to_have_text("4")
    expect(page.locator(f"#order-line-{line_a.pk} td.num").nth(5)).to_have_text("6")
    expect(page.locator(f"#order-line-{line_b.pk} td.num").nth(4)).to_have_text("0")
    expect(page.locator(f"#order-line-{line_b.pk} td.num").nth(5)).to_have_text("4")

    # when: the billing clerk invoices what was shipped
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login/$"))
    login(page, billing)
    page.goto(f"/sales/orders/{order.pk}/")
    page.get_by_role("link", name="Create invoice").click()
    expect(page.locator("h1")).to_contain_text(f"Invoice order {order.number}")
    expect(page.get_by_label("Packing slips (delivered, not yet invoiced)")).to_be_checked()
    expect(page.get_by_role("checkbox")).to_have_count(1)
    expect(page.get_by_role("checkbox").first).to_be_checked()
    page.get_by_role("button", name="Create draft invoice").click()

    # then: a draft for exactly what shipped
    expect(page.locator("h1")).to_contain_text("Draft invoice #")
    expect(page.locator("h1 .badge")).to_have_text("Draft")
    amounts = page.locator(".card", has=page.get_by_role("heading", name="Amounts")).locator("dd")
    expect(amounts).to_have_text(["195.00", "26.55", "EUR 221.55", "0.00", "221.55"])

    # when
    page.get_by_role("button", name="Post").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()

    # then: numbered, posted, unpaid; the PDF is a real PDF
    expect(page.locator("h1")).to_contain_text("Invoice INV-000001")
    expect(page.locator("h1 .badge")).to_have_text(["Posted", "Unpaid"])
    expect(page.locator(".messages")).to_contain_text("Invoice posted.")
    pdf = page.request.get(page.get_by_role("link", name="PDF", exact=True).get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # when: a first payment of 100.00
    page.get_by_role("link", name="Register payment").click()
    expect(page.locator("h1")).to_have_text("Register payment")
    expect(page.get_by_label("Amount:", exact=True)).to_have_value("221.55")
    page.get_by_label("Amount:", exact=True).fill("100.00")
    page.get_by_label("Amount to apply:").fill("100.00")
    page.get_by_role("button", name="Register payment").click()

    # then
    expect(page.locator(".messages")).to_contain_text("Payment PAY-000001 registered.")
    expect(page.locator("h1 .badge")).to_have_text(["Posted", "Partially paid"])
    expect(page.locator("#amount-open")).to_have_text("121.55")

    # when: the rest, which the form proposes
    page.get_by_role("link", name="Register payment").click()
    expect(page.get_by_label("Amount:", exact=True)).to_have_value("121.55")
    page.get_by_role("button", name="Register payment").click()

    # then
    expect(page.locator(".messages")).to_contain_text("Payment PAY-000002 registered.")
    expect(page.locator("h1 .badge")).to_have_text(["Posted", "Paid"])
    expect(page.locator("#amount-open")).to_have_text("0.00")
    expect(page.get_by_role("link", name="Register payment")).to_have_count(0)
    # paid in full: nothing left to do, so nothing to explain either
    expect(page.locator(".refusals")).to_have_count(0)


def test_cancel_of_a_shipped_order_is_refused_with_the_reason(page, clerk):
    # given: the clerk has the confirmed order open while the warehouse posts a delivery of 6 A for it
    order = confirmed_order(clerk)
    line_a, line_b = order_lines(order)
    login(page, clerk)
    page.goto(f"/sales/orders/{order.pk}/")
    expect(page.get_by_role("button", name="Cancel order")).to_be_visible()
    slip = packing_slip_create(order=order, quantities={line_a.pk: D("6"), line_b.pk: D("0")}, by=clerk)
    packing_slip_post(packing_slip=slip, by=clerk)

    # when: the cancel button of the page that is now out of date is clicked
    page.get_by_label("Cancel reason").fill("Customer changed their mind")
    page.get_by_role("button", name="Cancel order").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()

    # then: the refusal says why, and nothing changed
    reason = (
        "6 units already shipped: the order can no longer be canceled. Close the undelivered remainder instead, "
        "or create a returned order for what came back."
    )
    expect(page.locator(".messages li.error")).to_have_text(reason)
    expect(page.locator("#order-status .statusbar [aria-current=step]")).to_have_text("Confirmed")
    expect(page.locator("h1 .badge")).to_have_text("Confirmed")
    order.refresh_from_db()
    assert order.state == "confirmed"
    assert order.canceled_at is None
    assert [(line.quantity, line.qty_delivered) for line in order_lines(order)] == [(D("10"), D("6")), (D("4"), D("0"))]

    # and the page shown now no longer offers the cancel: it lists the reason instead
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    expect(page.locator("#order-status .refusals li").filter(has_text="Cancel order")).to_have_text(
        f"Cancel order: {reason}"
    )
    page.reload()
    expect(page.locator(".messages")).to_have_count(0)
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    expect(page.locator("#order-status .refusals li").filter(has_text="Cancel order")).to_have_text(
        f"Cancel order: {reason}"
    )


def test_invalid_quantity_keeps_what_was_typed(page, clerk):
    # given
    item_a, item_b, customer = reference_data()
    login(page, clerk)
    open_new_order_form(page)
    choose(page, "#id_customer", "acme", str(customer))
    page.get_by_label("Customer reference").fill("PO-4711")
    choose(page, "#id_lines-0-item", "a-1", "A-100 Bracket (12.50 / pcs)")
    page.locator("#id_lines-0-quantity").fill("0")
    add_form_line(page, 1)
    choose(page, "#id_lines-1-item", "hinge", "B-200 Hinge (30.00 / pcs)")
    page.locator("#id_lines-1-quantity").fill("4")
    page.locator("#id_lines-1-unit_price").fill("28.50")

    # when
    page.get_by_role("button", name="Create order").click()

    # then: the error sits next to the first line's quantity, everything typed is still there
    expect(page.locator("h1")).to_have_text("New sales order")
    rows = page.locator("#order-form-lines-body tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".errorlist")).to_have_text("Quantity must be greater than zero.")
    expect(rows.nth(1).locator(".errorlist")).to_have_count(0)
    expect(page.get_by_label("Customer", exact=True)).to_have_value(str(customer))
    expect(page.locator("input[name=customer]")).to_have_value(str(customer.pk))
    expect(page.get_by_label("Customer reference")).to_have_value("PO-4711")
    expect(page.locator("input[name=lines-0-item]")).to_have_value(str(item_a.pk))
    expect(page.locator("#id_lines-0-quantity")).to_have_value("0")
    expect(page.locator("input[name=lines-1-item]")).to_have_value(str(item_b.pk))
    expect(page.locator("#id_lines-1-quantity")).to_have_value("4")
    expect(page.locator("#id_lines-1-unit_price")).to_have_value("28.50")
    assert SalesOrder.objects.count() == 0

    # when: the quantity is corrected
    page.locator("#id_lines-0-quantity").fill("10")
    page.get_by_role("button", name="Create order").click()

    # then: the order is made with both lines, the second at the price typed
    expect(page.locator("h1")).to_contain_text("Sales order SO-000001")
    expect(page.locator("#order-amount-net")).to_have_text("EUR 239.00")
    expect(page.locator("#order-amount-tax")).to_have_text("EUR 36.51")
    expect(page.locator("#order-amount-total")).to_have_text("EUR 275.51")

"""A clerk adds lines to a quotation and sees the engine's price, its source, the tax code and the totals follow
as they type, confirming a zero price; a quotation of services is accepted straight into an invoice draft that
equals it to the cent."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from invoicing.models import Invoice
from salesapp.models import CustomerTaxGroup, ItemTaxGroup, Quotation, TaxDetermination
from tests.e2e.conftest import choose, login
from tests.factories.marketing import PartyFactory
from tests.factories.quotations import make_quotation
from tests.factories.salesapp import ItemFactory, make_agreement, make_customer, tax_code

pytestmark = pytest.mark.e2e

D = Decimal
# What an invoice line must carry over from the accepted revision's line.
LINE_FIELDS = (
    "line_no",
    "item_id",
    "quantity",
    "unit_price",
    "discount_percent",
    "price_source",
    "tax_code_id",
    "net_amount",
)


def test_clerk_enters_a_line_priced_by_the_customers_trade_agreement(page, clerk):
    # given: a Swedish customer (chairs are taxed SE25 for it) with its own prices for chairs, 45.00 from one
    # and 40.00 from ten, and 5 % off; its draft quotation already holds 2 books at 20.00 (NL9)
    sweden = CustomerTaxGroup.objects.create(code="SE", name="Sweden")
    standard = ItemTaxGroup.objects.create(code="STD", name="Standard rate")
    TaxDetermination.objects.create(customer_tax_group=sweden, item_tax_group=standard, tax_code=tax_code("SE25"))
    customer = make_customer(party=PartyFactory(name="Fabrikam AB"), tax_group=sweden)
    chair = ItemFactory(number="CHAIR", name="Chair", unit_price=D("50"), tax_code=tax_code("NL21"), tax_group=standard)
    book = ItemFactory(number="BOOK", name="Book", unit_price=D("20"), tax_code=tax_code("NL9"))
    ItemFactory(number="SAMPLE", name="Sample", unit_price=D("0"), tax_code=tax_code("NL21"))
    make_agreement(applies_to="customer", customer=customer, item=chair, unit_price=D("45"), from_quantity=D("1"))
    make_agreement(applies_to="customer", customer=customer, item=chair, unit_price=D("40"), from_quantity=D("10"))
    make_agreement(kind="discount", applies_to="customer", customer=customer, item=chair, discount_percent=D("5"))
    quotation = make_quotation(customer=customer, lines=[(book, "2")], by=clerk)
    login(page, clerk)
    page.goto(f"/sales/quotations/{quotation.pk}/")
    expect(page.locator("#quotation-amount-total")).to_have_text("EUR 43.60")

    # when: the clerk picks the chair and types a quantity of 4
    choose(page, "#id_add-item", "chair", "CHAIR Chair (50.00 / pcs)")
    page.locator("#id_add-quantity").fill("4")

    # then: the customer's price and discount, the Swedish tax code, the line and the quotation's totals
    # (4 × 45.00 − 5 % = 171.00; tax 171.00 × 25 % = 42.75 plus the books' 40.00 × 9 % = 3.60;
    # 40.00 + 171.00 + 3.60 + 42.75 = 257.35)
    preview = page.locator("#quotation-line-preview")
    expect(preview).to_contain_text(
        "Price 45.00, discount 5 % (Trade agreement for the customer), tax code SE25: line EUR 171.00."
    )
    expect(preview).to_contain_text("Quotation total with this line: EUR 257.35.")

    # when: the quantity crosses the break at ten
    page.locator("#id_add-quantity").fill("10")

    # then: the price drops to 40.00 (10 × 40.00 − 5 % = 380.00; tax 95.00 + 3.60; 420.00 + 98.60 = 518.60)
    expect(preview).to_contain_text(
        "Price 40.00, discount 5 % (Trade agreement for the customer), tax code SE25: line EUR 380.00."
    )
    expect(preview).to_contain_text("Quotation total with this line: EUR 518.60.")

    # when: the line is added
    page.locator("#quotation-line-form").get_by_role("button", name="Add line").click()

    # then: the quotation shows it with its price source, and the totals the preview promised
    expect(page.locator(".messages")).to_contain_text("Line 20 added.")
    row = page.locator("#quotation-lines tbody tr", has_text="CHAIR")
    expect(row.locator("td")).to_have_text(
        ["20", "CHAIR", "Chair", "10 pcs", "40.00", "Trade agreement for the customer", "5", "SE25", "380.00", "×"]
    )
    expect(page.locator("#quotation-amount-net")).to_have_text("EUR 420.00")
    expect(page.locator("#quotation-amount-tax")).to_have_text("EUR 98.60")
    expect(page.locator("#quotation-amount-total")).to_have_text("EUR 518.60")

    # when: a free sample is added without confirming its zero price
    choose(page, "#id_add-item", "sample", "SAMPLE Sample (0.00 / pcs)")
    page.locator("#id_add-quantity").fill("1")
    expect(preview).to_contain_text("The price of SAMPLE is zero.")
    page.locator("#quotation-line-form").get_by_role("button", name="Add line").click()

    # then: the form refuses it and asks for the confirmation; nothing was added
    form = page.locator("#quotation-line-form")
    expect(form).to_contain_text("The price of SAMPLE is zero. Tick “I confirm this price” to save it.")
    expect(page.locator("#id_add-item")).to_have_value("SAMPLE Sample (0.00 / pcs)")
    assert quotation.lines.count() == 2

    # when: the clerk confirms the price
    page.locator("#id_add-confirm_price").check()
    form.get_by_role("button", name="Add line").click()

    # then: the sample is on the quotation at 0.00 from the item's sales price; the totals are unchanged
    expect(page.locator(".messages")).to_contain_text("Line 30 added.")
    row = page.locator("#quotation-lines tbody tr", has_text="SAMPLE")
    expect(row.locator("td")).to_have_text(
        ["30", "SAMPLE", "Sample", "1 pcs", "0.00", "Item sales price", "0", "NL21", "0.00", "×"]
    )
    expect(page.locator("#quotation-amount-total")).to_have_text("EUR 518.60")
    quotation.refresh_from_db()
    assert [
        (line.item.number, line.quantity, line.unit_price, line.discount_percent, line.price_source, line.tax_code.code)
        for line in quotation.lines.select_related("item", "tax_code").order_by("line_no")
    ] == [
        ("BOOK", D("2.000"), D("20.0000"), D("0.00"), "item_price", "NL9"),
        ("CHAIR", D("10.000"), D("40.0000"), D("5.00"), "customer_agreement", "SE25"),
        ("SAMPLE", D("1.000"), D("0.0000"), D("0.00"), "item_price", "NL21"),
    ]
    assert (quotation.amount_net, quotation.amount_tax, quotation.amount_total) == (
        D("420.00"),
        D("98.60"),
        D("518.60"),
    )


def test_clerk_accepts_a_quotation_of_services_as_an_invoice_draft(page, clerk):
    # given: a draft quotation of three services whose amounts each need rounding
    customer = make_customer(party=PartyFactory(name="Contoso Consulting"))
    consulting = ItemFactory(
        number="CONSULT",
        name="Consulting",
        item_type="service",
        unit="h",
        unit_price=D("95"),
        tax_code=tax_code("NL21"),
    )
    support = ItemFactory(
        number="SUPPORT",
        name="Support",
        item_type="service",
        unit="h",
        unit_price=D("33.3333"),
        tax_code=tax_code("NL21"),
    )
    training = ItemFactory(
        number="TRAINING",
        name="Training",
        item_type="service",
        unit="pcs",
        unit_price=D("149.99"),
        tax_code=tax_code("NL9"),
    )
    quotation = make_quotation(
        customer=customer,
        lines=[(consulting, "7.5", None, "12.5"), (support, "3"), (training, "1")],
        by=clerk,
    )
    login(page, clerk)
    page.goto(f"/sales/quotations/{quotation.pk}/")

    # when: the clerk sends it and accepts r1 as an invoice draft, confirming in the dialog
    page.locator("#quotation-status").get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_contain_text("r1")
    choices = page.locator("#quotation-convert-to")
    expect(choices).to_contain_text("Sales order")
    choices.get_by_label("Invoice draft").check()
    page.locator("#quotation-status").get_by_role("button", name="Accept r1").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text(f"Accept r1 of quotation {quotation.number}")
    dialog.get_by_role("button", name="Confirm").click()

    # then: the browser is on the invoice draft, with the quotation's lines, prices and totals to the cent
    # (7.5 × 95.00 − 12.5 % = 623.4375 → 623.44; 3 × 33.3333 = 99.9999 → 100.00; 149.99;
    # NL21 on 723.44 = 151.9224 → 151.92, NL9 on 149.99 = 13.4991 → 13.50; 873.43 + 165.42 = 1,038.85)
    expect(page.locator("h1")).to_contain_text("Draft invoice #")
    invoice = Invoice.objects.get(quotation=quotation)
    expect(page.locator("h1")).to_contain_text(f"Draft invoice #{invoice.pk}")
    expect(page.locator(".messages")).to_contain_text(f"Invoice draft #{invoice.pk} created from it.")
    lines = page.locator("table.list", has=page.locator("th", has_text="Discount %")).locator("tbody tr")
    expect(lines).to_have_count(3)
    expect(lines.nth(0).locator("td")).to_have_text(
        ["10", "CONSULT Consulting", "7.500 h", "95.00", "12.50", "NL21", "623.44"]
    )
    expect(lines.nth(1).locator("td")).to_have_text(["20", "SUPPORT Support", "3 h", "33.3333", "0", "NL21", "100.00"])
    expect(lines.nth(2).locator("td")).to_have_text(
        ["30", "TRAINING Training", "1 pcs", "149.99", "0", "NL9", "149.99"]
    )
    taxes = page.locator("table.list", has=page.locator("th", has_text="Base")).locator("tbody tr")
    expect(taxes.nth(0).locator("td")).to_have_text(["NL21", "21", "723.44", "151.92"])
    expect(taxes.nth(1).locator("td")).to_have_text(["NL9", "9", "149.99", "13.50"])
    expect(page.locator(".card", has=page.locator("h2", has_text="Amounts"))).to_contain_text("EUR 1,038.85")

    quotation = Quotation.objects.get(pk=quotation.pk)
    revision = quotation.revisions.get(number=1)
    quoted = list(revision.lines.order_by("line_no").values_list(*LINE_FIELDS))
    invoiced = list(invoice.lines.order_by("line_no").values_list(*LINE_FIELDS))
    assert invoiced == quoted
    assert (invoice.state, invoice.amount_net, invoice.amount_tax, invoice.amount_total) == (
        "draft",
        D("873.43"),
        D("165.42"),
        D("1038.85"),
    )
    assert (quotation.state, quotation.amount_total, revision.amount_total) == (
        "accepted",
        D("1038.85"),
        D("1038.85"),
    )

    # when: the clerk follows the invoice's link back to the quotation
    page.locator("dl.facts").get_by_role("link", name=quotation.number).click()

    # then: the accepted quotation links to its invoice draft
    expect(page.locator("h1")).to_contain_text(quotation.number)
    expect(page.locator("#quotation-status")).to_contain_text("The customer accepted r1.")
    panel = page.locator("#quotation-invoice")
    expect(panel).to_contain_text("EUR 1,038.85")
    panel.get_by_role("link", name="Draft").click()
    expect(page.locator("h1")).to_contain_text(f"Draft invoice #{invoice.pk}")

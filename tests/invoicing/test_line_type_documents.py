"""Write-in and comment lines on the quotation PDF and, from the order the quotation became, on the invoice PDF."""

from decimal import Decimal

from invoicing.documents import invoice_pdf
from invoicing.services.invoices import invoice_create_from_order
from salesapp.choices import LineType
from salesapp.documents import quotation_pdf
from salesapp.services.orders import order_confirm
from salesapp.services.quotations import QuotationLineInput, quotation_accept, quotation_create, quotation_send
from tests.factories.salesapp import ItemFactory, make_customer, make_write_in_item, tax_code
from tests.invoicing.test_documents import pdf_text

D = Decimal
LONG_TEXT = " ".join(f"word{n:03d}" for n in range(60))  # 479 characters: continued on a second comment line


def test_the_quotation_and_invoice_pdfs_show_write_in_text_and_comment_lines(clerk):
    # given: a lamp, a write-in and a long comment, quoted, accepted and invoiced
    make_write_in_item()
    lamp = ItemFactory(number="A-100", name="Desk lamp", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    quotation = quotation_create(
        customer=make_customer(),
        lines=[
            QuotationLineInput(item=lamp, quantity=D("2")),
            QuotationLineInput(
                item=None,
                line_type=LineType.WRITE_IN,
                description="Bracket 40 mm galvanised",
                quantity=D("3"),
                unit_price=D("4.20"),
            ),
            QuotationLineInput(item=None, line_type=LineType.COMMENT, description=LONG_TEXT, quantity=D("0")),
        ],
        by=clerk,
    )
    quotation = quotation_send(quotation=quotation, by=clerk)

    # when
    content, _filename = quotation_pdf(quotation)

    # then: the write-in shows its text, not the carrier's number; the comment's words all appear; totals are
    # 25.00 + 12.60 = 37.60 net, 7.90 tax, 45.50
    text = " ".join(pdf_text(content).split())
    assert "Bracket 40 mm galvanised" in text and "WRITE-IN" not in text
    assert "word000" in text and "word059" in text
    assert "37.60" in text and "45.50" in text

    # when: accepted into an order, confirmed and invoiced
    quotation = quotation_accept(quotation=quotation, revision=1, by=clerk)
    order = order_confirm(order=quotation.sales_order, by=clerk)
    invoice = invoice_create_from_order(order=order, basis="order", by=clerk)
    content, _filename = invoice_pdf(invoice)

    # then: the invoice carries the amounts (the comment stays on the quotation and the order)
    text = " ".join(pdf_text(content).split())
    assert "Bracket 40 mm galvanised" in text and "WRITE-IN" not in text
    assert "Desk lamp" in text and "45.50" in text
    assert list(invoice.lines.values_list("line_type", flat=True).order_by("line_no")) == ["item", "write_in"]

from decimal import Decimal

from invoicing.documents import invoice_pdf
from invoicing.models import LedgerAccount
from invoicing.services.free_text_invoices import FreeTextLineInput, free_text_invoice_create
from invoicing.services.invoices import invoice_post
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import make_customer, tax_code
from tests.invoicing.test_pro_forma import pdf_text

D = Decimal


def test_a_posted_free_text_invoice_prints_its_lines_without_an_order(clerk, billing):
    # given
    customer = make_customer(party=PartyFactory(name="Tailspin Toys", language="en"), payment_terms_days=14)
    invoice = free_text_invoice_create(
        customer=customer,
        lines=[
            FreeTextLineInput(
                revenue_account=LedgerAccount.objects.get(number="8100"),
                description="Installation on site",
                quantity=D("3"),
                unit_price=D("80.00"),
                tax_code=tax_code("NL21"),
            )
        ],
        customer_reference="PO 2026-19",
        by=clerk,
    )
    invoice = invoice_post(invoice=invoice, store_pdf=False, by=billing)

    # when
    content, filename = invoice_pdf(invoice)

    # then: 240.00 + 21 % = 290.40, due in 14 days, no order line in the facts
    text = pdf_text(content)
    assert filename == f"{invoice.number}.pdf"
    assert f"Invoice {invoice.number}" in text and "PRO FORMA" not in text
    assert "Installation on site" in text and "290.40" in text and "PO 2026-19" in text
    assert "Sales order" not in text
    assert "Payment terms 14 days" in text

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from core.errors import TransitionRefused
from core.models import NumberSeries
from invoicing.models import Invoice, InvoiceLine, InvoiceTax, JournalEntry, LedgerAccount
from invoicing.pro_forma import invoice_pro_forma_pdf, order_invoice_preview, order_pro_forma_pdf
from invoicing.services.free_text_invoices import FreeTextLineInput, free_text_invoice_create
from salesapp.models import PackingSlip, SalesOrder, SalesOrderLine, StockMove
from salesapp.services.orders import order_confirm
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from tests.factories.invoicing import draft_invoice
from tests.factories.marketing import PartyFactory
from tests.factories.salesapp import ItemFactory, make_customer, make_order, tax_code

D = Decimal


def pdf_text(content: bytes) -> str:
    # The watermark's letters come out without spaces between words.
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("PROFORMA", "PRO FORMA")


def database_state() -> dict:
    """Every row a posting or an invoice draft would touch, as values."""
    return {
        "invoices": list(Invoice.objects.order_by("pk").values()),
        "invoice_lines": list(InvoiceLine.objects.order_by("pk").values()),
        "invoice_taxes": list(InvoiceTax.objects.order_by("pk").values()),
        "orders": list(SalesOrder.objects.order_by("pk").values()),
        "order_lines": list(SalesOrderLine.objects.order_by("pk").values()),
        "packing_slips": list(PackingSlip.objects.order_by("pk").values()),
        "stock_moves": StockMove.objects.count(),
        "journal": JournalEntry.objects.count(),
        "series": list(NumberSeries.objects.order_by("code").values_list("code", "next_value")),
    }


@pytest.fixture
def two_rate_order(clerk):
    """10 × lamp at 12.50 (21 %), 4 × desk at 30.00 (9 %), confirmed; 6 lamps shipped."""
    lamp = ItemFactory(number="LAMP", name="Desk lamp", unit_price=D("12.50"), tax_code=tax_code("NL21"))
    desk = ItemFactory(number="DESK", name="Standing desk", unit_price=D("30.00"), tax_code=tax_code("NL9"))
    customer = make_customer(party=PartyFactory(name="Northwind", language="en"))
    order = order_confirm(order=make_order(customer=customer, lines=[(lamp, "10"), (desk, "4")], by=clerk), by=clerk)
    line = order.lines.get(line_no=10)
    packing_slip_post(packing_slip=packing_slip_create(order=order, quantities={line.pk: D("6")}, by=clerk), by=clerk)
    order.refresh_from_db()
    return order


def test_order_pro_forma_bills_what_is_left_and_changes_nothing(two_rate_order):
    # given
    before = database_state()

    # when
    content, filename = order_pro_forma_pdf(order=two_rate_order)

    # then: 10 lamps (125.00 at 21 % → 26.25) and 4 desks (120.00 at 9 % → 10.80): 282.05; nothing written
    text = pdf_text(content)
    assert content.startswith(b"%PDF") and filename == f"pro-forma-{two_rate_order.number}.pdf"
    assert "PRO FORMA" in text and "Pro forma invoice" in text and "not numbered" in text
    assert "Desk lamp" in text and "Standing desk" in text and two_rate_order.number in text
    assert "282.05" in text
    assert database_state() == before


def test_order_pro_forma_on_packing_slips_bills_what_was_shipped(two_rate_order):
    invoice, lines = order_invoice_preview(order=two_rate_order, basis="packing_slips")
    assert [(line.item.number, line.quantity, line.net_amount) for line in lines] == [("LAMP", D("6"), D("75.00"))]
    assert invoice.pk is None and all(line.pk is None for line in lines)


def test_an_order_with_nothing_to_invoice_is_refused(clerk):
    order = order_confirm(order=make_order(lines=[(ItemFactory(), "1")], by=clerk), by=clerk)
    with pytest.raises(TransitionRefused, match="has nothing delivered and not yet invoiced") as refused:
        order_pro_forma_pdf(order=order, basis="packing_slips")
    assert refused.value.code == "nothing-to-invoice"
    with pytest.raises(TransitionRefused, match="confirm it first"):
        order_pro_forma_pdf(order=make_order(lines=[(ItemFactory(), "1")], by=clerk))


def test_draft_invoices_render_pro_forma_and_change_nothing(clerk):
    # given: a draft customer invoice and a draft free text invoice
    order_draft = draft_invoice(by=clerk, price="100.00")
    free_text = free_text_invoice_create(
        customer=make_customer(),
        lines=[
            FreeTextLineInput(
                revenue_account=LedgerAccount.objects.get(number="8100"),
                description="Annual maintenance contract",
                quantity=D("1"),
                unit_price=D("1200.00"),
                tax_code=tax_code("NL21"),
            )
        ],
        customer_reference="PO 77",
        by=clerk,
    )
    before = database_state()

    # when
    order_pdf, _name = invoice_pro_forma_pdf(order_draft)
    free_text_pdf, name = invoice_pro_forma_pdf(free_text)

    # then
    assert "PRO FORMA" in pdf_text(order_pdf) and "121.00" in pdf_text(order_pdf)
    text = pdf_text(free_text_pdf)
    assert name == f"pro-forma-{free_text.pk}.pdf"
    # 1200.00 + 21 % = 1452.00
    assert "PRO FORMA" in text and "Annual maintenance contract" in text and "1452.00" in text
    assert "PO 77" in text and "Sales order" not in text
    assert database_state() == before

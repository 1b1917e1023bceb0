"""PDF documents of invoicing: posted invoices are rendered once and stored; drafts are PRO FORMA."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from core.pdf import render_pdf
from invoicing.choices import InvoiceState
from invoicing.models import Invoice
from invoicing.selectors.summary_runs import summary_invoice_covers


def invoice_document_context(invoice: Invoice) -> dict:
    return {
        "invoice": invoice,
        "customer": invoice.customer,
        "party": invoice.customer.party,
        "lines": list(invoice.lines.select_related("item", "tax_code").order_by("line_no")),
        "taxes": list(invoice.taxes.select_related("tax_code")),
        "pro_forma": invoice.state == InvoiceState.DRAFT,
        "covered": summary_invoice_covers(invoice),
    }


def invoice_pdf_render(invoice: Invoice) -> bytes:
    """In the customer's language (the party's), whoever renders it: the clerk's page language, a stored
    original rendered after posting or an API call all give the customer the same document."""
    context = invoice_document_context(invoice)
    with translation.override(context["party"].language or "en"):
        return render_pdf(template_name="pdf/invoice.html", context=context)


def invoice_pdf_store(*, invoice_id: int) -> None:
    """Render a posted invoice once and keep the file: what was sent is what is archived."""
    invoice = Invoice.objects.select_related("customer__party").get(pk=invoice_id)
    if invoice.state == InvoiceState.DRAFT or invoice.pdf:
        return
    content = invoice_pdf_render(invoice)
    with transaction.atomic():
        invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(content), save=False)
        Invoice.objects.filter(pk=invoice.pk, pdf="").update(pdf=invoice.pdf.name)


def invoice_pdf(invoice: Invoice) -> tuple[bytes, str]:
    """The bytes to show and a file name: the stored original for a posted invoice."""
    if invoice.state == InvoiceState.DRAFT:
        return invoice_pdf_render(invoice), f"pro-forma-{invoice.pk}.pdf"
    if not invoice.pdf:
        invoice_pdf_store(invoice_id=invoice.pk)
        invoice.refresh_from_db()
    with invoice.pdf.open("rb") as handle:
        return handle.read(), f"{invoice.number}.pdf"


def customer_statement_pdf(statement) -> tuple[bytes, str]:
    """A statement (invoicing.selectors.statements) in the customer's language, and its file name."""
    party = statement.customer.party
    context = {"statement": statement, "customer": statement.customer, "party": party}
    with translation.override(party.language or "en"):
        content = render_pdf(template_name="pdf/customer_statement.html", context=context)
    return content, f"statement-{statement.customer.number}-{statement.date_from}-{statement.date_to}.pdf"

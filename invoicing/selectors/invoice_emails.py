from core.web import PANEL_ROWS
from invoicing.models import Invoice, InvoiceEmail


def invoice_email_list(*, invoice: Invoice) -> list[InvoiceEmail]:
    """The latest emails of an invoice, newest first (a panel: an invoice is rarely sent more than a few times)."""
    return list(InvoiceEmail.objects.filter(invoice=invoice).order_by("-queued_at", "-id")[:PANEL_ROWS])

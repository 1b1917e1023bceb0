"""Invoicing locks come after the sales order and its lines (DESIGN.md §2.4): order → lines → invoice."""

from core.compiled import CompiledQuery
from invoicing.models import Invoice, Payment

# Posting runs it for every invoice: compiled once (core.compiled).
_INVOICE = CompiledQuery(
    lambda invoice_id: (
        Invoice.objects.select_for_update(of=("self",)).select_related("customer__party").filter(pk=invoice_id)
    )
)


def lock_invoice(invoice_id: int) -> Invoice:
    return _INVOICE.one(invoice_id)


def lock_invoices(invoice_ids) -> dict[int, Invoice]:
    return {inv.pk: inv for inv in Invoice.objects.select_for_update().filter(pk__in=invoice_ids).order_by("pk")}


def lock_payment(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)

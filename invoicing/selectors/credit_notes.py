"""What remains to credit on an invoice's lines: a credit note never credits more (DESIGN.md §5)."""

from decimal import Decimal

from django.db.models import Sum

from core.money import ZERO
from invoicing.choices import InvoiceState
from invoicing.models import Invoice, InvoiceLine

# A draft credit note reserves what it credits: two drafts cannot together credit a line twice.
CREDITING_STATES = (InvoiceState.DRAFT, InvoiceState.POSTED)


def credited_amounts(line_ids) -> dict[int, Decimal]:
    """The net amount (positive) that draft and posted credit notes credit on each of these invoice lines."""
    rows = (
        InvoiceLine.objects.filter(credited_line_id__in=list(line_ids), invoice__state__in=CREDITING_STATES)
        .values("credited_line_id")
        .annotate(total=Sum("net_amount"))
        .order_by()
    )
    return {row["credited_line_id"]: -row["total"] for row in rows}


def invoice_lines_to_credit(invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's lines, each with ``credited`` and ``remaining`` (net amounts), in two queries."""
    lines = list(invoice.lines.select_related("tax_code", "item").order_by("line_no"))
    credited = credited_amounts(line.pk for line in lines)
    for line in lines:
        line.credited = credited.get(line.pk, ZERO)
        line.remaining = line.net_amount - line.credited
    return lines


def credit_notes_of(invoice: Invoice) -> list[Invoice]:
    """The credit notes that credit this invoice, oldest first."""
    return list(invoice.credit_notes.order_by("pk"))

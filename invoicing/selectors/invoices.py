"""Reads of invoices: lists, open and overdue ones."""

import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.compiled import CompiledQuery, prefetched
from core.listing import order_by_sort
from core.search import contains_any, search_filter
from invoicing.choices import CreditKind, InvoiceKind, InvoiceState, PaymentState
from invoicing.models import Invoice, InvoiceLine, InvoiceTax, JournalLine
from salesapp.models import SalesOrder
from salesapp.selectors.customers import customers_matching

# The invoice list's sortable columns and what each orders by.
INVOICE_SORTS = {
    "number": ("number",),
    "customer": ("customer__party__name",),
    "order": ("order__number",),
    "invoice_date": ("invoice_date",),
    "due_date": ("due_date",),
    "state": ("state",),
    "payment_state": ("payment_state",),
    "total": ("amount_total",),
    "open": ("open_amount",),
}


# The invoice page's reads, compiled once (core/compiled.py): building these joins anew costs the ORM more Python
# than PostgreSQL needs to answer them.
_invoice_shown = CompiledQuery(
    lambda pk: Invoice.objects.select_related(
        "customer__party", "order", "quotation", "posted_by", "subscription_period", "credited_invoice", "corrects"
    ).filter(pk=pk)
)
_credit_notes_shown = CompiledQuery(lambda pk: Invoice.objects.filter(credited_invoice_id=pk))
_corrections_shown = CompiledQuery(lambda pk: Invoice.objects.filter(corrects_id=pk))
_lines_shown = CompiledQuery(
    lambda pk: InvoiceLine.objects.select_related("tax_code", "item").filter(invoice_id=pk).order_by("line_no")
)
_taxes_shown = CompiledQuery(lambda pk: InvoiceTax.objects.select_related("tax_code").filter(invoice_id=pk))
_journal_shown = CompiledQuery(
    lambda pk: (
        JournalLine.objects.filter(entry__invoice_id=pk).select_related("entry", "account").order_by("entry_id", "pk")
    )
)


def invoice_get(*, pk: int) -> Invoice:
    """The invoice with its customer, order and the documents crediting or correcting it
    (``invoice.credit_notes.all()`` and ``invoice.corrections.all()`` need no further query)."""
    invoice = _invoice_shown.one(pk)
    prefetched(invoice, "credit_notes", _credit_notes_shown.all(pk))
    return prefetched(invoice, "corrections", _corrections_shown.all(pk))


def invoice_lines_shown(invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's lines in line order, with their tax code and item."""
    return _lines_shown.all(invoice.pk)


def invoice_taxes_shown(invoice: Invoice) -> list[InvoiceTax]:
    return _taxes_shown.all(invoice.pk)


def invoice_journal_lines(invoice: Invoice) -> list[JournalLine]:
    """The ledger lines the invoice's posting (and its reversal) wrote, entry by entry."""
    return _journal_shown.all(invoice.pk)


def receivable_documents() -> QuerySet[Invoice]:
    """The posted invoices and credit notes that make up what customers owe: a canceled invoice and the credit
    note that canceled it offset each other, so neither counts (the invoice is no longer posted; the note is
    left out here). Balances, figures, aging, statements and payment proposals all read from this."""
    return Invoice.objects.filter(state=InvoiceState.POSTED).exclude(credit_kind=CreditKind.CANCELLATION)


def invoice_filter_overdue(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Posted, not paid in full and past their due date: Invoice.is_overdue as a query (a credit note is never
    overdue: nothing is owed on it)."""
    return invoices.filter(
        state=InvoiceState.POSTED, kind=InvoiceKind.INVOICE, due_date__lt=timezone.localdate()
    ).exclude(payment_state=PaymentState.PAID)


def invoice_list(
    *,
    search: str = "",
    state: str = "",
    payment_state: str = "",
    kind: str = "",
    customer_id: int | None = None,
    overdue: bool = False,
    open_only: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    ordering: str = "",
    basis: str = "",
) -> QuerySet[Invoice]:
    """Invoices, newest first; ``open_only`` keeps what invoice_list_open() calls open, the date range is on the
    invoice date (drafts have none yet), both days included."""
    invoices = Invoice.objects.select_related("customer__party", "order").alias(
        open_amount=F("amount_total") - F("amount_paid")
    )
    if search:
        # Each table is searched through its own trigram indexes (core.search).
        invoices = search_filter(
            invoices,
            contains_any(search, "number"),
            Q(customer_id__in=customers_matching(search)),
            Q(order_id__in=SalesOrder.objects.filter(number__icontains=search).values("pk")),
        )
    if state:
        invoices = invoices.filter(state=state)
    if payment_state:
        invoices = invoices.filter(payment_state=payment_state)
    if kind:
        invoices = invoices.filter(kind=kind)
    if basis:
        invoices = invoices.filter(basis=basis)
    if customer_id:
        invoices = invoices.filter(customer_id=customer_id)
    if overdue:
        invoices = invoice_filter_overdue(invoices)
    if open_only:
        invoices = invoice_filter_open(invoices)
    if date_from:
        invoices = invoices.filter(invoice_date__gte=date_from)
    if date_to:
        invoices = invoices.filter(invoice_date__lte=date_to)
    return order_by_sort(invoices, ordering, sorts=INVOICE_SORTS, default=["-id"])


def invoice_filter_open(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Posted invoices with money still to receive (credit notes owe the customer, not us)."""
    return invoices.filter(state=InvoiceState.POSTED, kind=InvoiceKind.INVOICE).exclude(payment_state=PaymentState.PAID)


def invoice_list_open(*, customer_id: int | None = None) -> QuerySet[Invoice]:
    """Posted invoices with money still to receive, oldest due first (what a payment can settle)."""
    invoices = invoice_filter_open(Invoice.objects.select_related("customer__party")).order_by("due_date", "pk")
    return invoices.filter(customer_id=customer_id) if customer_id else invoices

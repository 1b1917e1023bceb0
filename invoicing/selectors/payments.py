"""Reads of payments."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from core.listing import order_by_sort
from core.search import contains_any, search_filter
from invoicing.choices import InvoiceKind, PaymentState
from invoicing.models import Invoice, Payment, PaymentApplication
from invoicing.selectors.invoices import receivable_documents
from salesapp.selectors.customers import customers_matching

# The payment list's sortable columns and what each orders by.
PAYMENT_SORTS = {
    "number": ("number",),
    "payment_date": ("payment_date",),
    "customer": ("customer__party__name",),
    "method": ("method",),
    "reference": ("reference",),
    "amount": ("amount",),
    "applied": ("amount_applied",),
}


def payment_list(
    *,
    search: str = "",
    customer_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    ordering: str = "",
) -> QuerySet[Payment]:
    """Payments, newest first; the date range is on the payment date, both days included."""
    payments = Payment.objects.select_related("customer__party")
    if search:
        # Each table is searched through its own trigram indexes (core.search).
        payments = search_filter(
            payments,
            contains_any(search, "number", "reference"),
            Q(customer_id__in=customers_matching(search)),
        )
    if customer_id:
        payments = payments.filter(customer_id=customer_id)
    if date_from:
        payments = payments.filter(payment_date__gte=date_from)
    if date_to:
        payments = payments.filter(payment_date__lte=date_to)
    return order_by_sort(payments, ordering, sorts=PAYMENT_SORTS, default=["-id"])


@dataclass(frozen=True)
class ProposedApplication:
    invoice: Invoice
    amount: Decimal


def payment_proposal(*, payment: Payment) -> list[ProposedApplication]:
    """What the payment's unapplied amount would settle, for the clerk to confirm: the customer's open documents
    whose number occurs in the payment's reference first, then the oldest due first, until the amount is used.
    A receipt settles invoices, a refund credit notes."""
    left = payment.amount_unapplied
    if left <= 0:
        return []
    kind = InvoiceKind.CREDIT_NOTE if payment.is_refund else InvoiceKind.INVOICE
    documents = (
        receivable_documents()
        .filter(customer_id=payment.customer_id, kind=kind)
        .exclude(payment_state=PaymentState.PAID)
        .order_by("due_date", "invoice_date", "pk")
    )
    reference = payment.reference.upper()
    # Stable sort: the named ones first, each group in due-date order.
    ordered = sorted(documents, key=lambda document: document.number.upper() not in reference)
    proposal = []
    for document in ordered:
        amount = min(left, abs(document.amount_open))
        if amount <= 0:
            break
        proposal.append(ProposedApplication(invoice=document, amount=amount))
        left -= amount
    return proposal


# The documents a settle form lists at most (the oldest due first; the proposal's ones always).
SETTLE_ROWS = 30


def settle_candidates(*, customer_id: int, kinds: tuple[str, ...], include: list[Invoice] = ()) -> list[Invoice]:
    """The customer's open posted documents of ``kinds`` a clerk may settle: ``include`` (a proposal's documents,
    in its order) first, then the others oldest due first."""
    documents = (
        receivable_documents()
        .filter(customer_id=customer_id, kind__in=kinds)
        .exclude(payment_state=PaymentState.PAID)
        .exclude(pk__in=[document.pk for document in include])
        .order_by("due_date", "invoice_date", "pk")
    )
    return [*include, *documents[:SETTLE_ROWS]]


def document_settlements(*, invoice: Invoice) -> QuerySet[PaymentApplication]:
    """What settled (or settled and was taken back from) a document: the rows applied to it and, for a credit
    note, its set-offs against invoices."""
    return (
        PaymentApplication.objects.filter(Q(invoice=invoice) | Q(credit_note=invoice))
        .select_related("payment", "invoice", "credit_note", "unapplied_by", "applied_by")
        .order_by("applied_at", "pk")
    )

"""Reads of invoices: lists, open and overdue ones."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from invoicing.choices import InvoiceState, PaymentState
from invoicing.models import Invoice


def invoice_filter_overdue(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Posted, not paid in full and past their due date: Invoice.is_overdue as a query."""
    return invoices.filter(state=InvoiceState.POSTED, due_date__lt=timezone.localdate()).exclude(
        payment_state=PaymentState.PAID
    )


def invoice_list(
    *,
    search: str = "",
    state: str = "",
    payment_state: str = "",
    customer_id: int | None = None,
    overdue: bool = False,
    open_only: bool = False,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Invoice]:
    """Invoices newest first; ``open_only``: posted with money still to receive (the dashboard's open
    receivables); the date range is on the invoice date, so drafts (no date yet) fall outside any range."""
    invoices = Invoice.objects.select_related("customer__party", "order")
    if search:
        invoices = invoices.filter(
            Q(number__icontains=search)
            | Q(customer__party__name__icontains=search)
            | Q(order__number__icontains=search)
        )
    if state:
        invoices = invoices.filter(state=state)
    if payment_state:
        invoices = invoices.filter(payment_state=payment_state)
    if customer_id:
        invoices = invoices.filter(customer_id=customer_id)
    if overdue:
        invoices = invoice_filter_overdue(invoices)
    if open_only:
        invoices = invoices.filter(state=InvoiceState.POSTED).exclude(payment_state=PaymentState.PAID)
    if date_from:
        invoices = invoices.filter(invoice_date__gte=date_from)
    if date_to:
        invoices = invoices.filter(invoice_date__lte=date_to)
    return invoices.order_by("-id")


def invoice_list_open(*, customer_id: int | None = None) -> QuerySet[Invoice]:
    """Posted invoices with money still to receive, oldest due first (what a payment can settle)."""
    invoices = (
        Invoice.objects.filter(state=InvoiceState.POSTED)
        .exclude(payment_state=PaymentState.PAID)
        .select_related("customer__party")
        .order_by("due_date", "pk")
    )
    return invoices.filter(customer_id=customer_id) if customer_id else invoices

"""Reads of payments."""

import datetime

from django.db.models import Q, QuerySet

from core.listing import order_by_sort
from core.search import contains_any, search_filter
from invoicing.models import Payment
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

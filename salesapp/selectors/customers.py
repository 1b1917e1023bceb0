"""Reads of customer accounts."""

from django.db.models import Q, QuerySet

from core.listing import order_by_sort
from salesapp.models import Customer

# The customer list's sortable columns and what each orders by.
CUSTOMER_SORTS = {
    "number": ("number",),
    "name": ("party__name",),
    "city": ("party__city",),
    "currency": ("currency",),
    "payment_terms": ("payment_terms_days",),
    "credit_limit": ("credit_limit",),
    "blocked": ("blocked",),
}


def customer_list(*, search: str = "", blocked: bool | None = None, ordering: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.select_related("party")
    if search:
        customers = customers.filter(
            Q(number__icontains=search) | Q(party__name__icontains=search) | Q(party__city__icontains=search)
        )
    if blocked is not None:
        customers = customers.filter(blocked=blocked)
    return order_by_sort(customers, ordering, sorts=CUSTOMER_SORTS, default=["number"])

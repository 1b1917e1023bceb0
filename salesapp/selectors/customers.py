"""Reads of customer accounts."""

from django.db.models import Q, QuerySet

from core.listing import order_by_sort
from core.search import contains_any, search_filter
from marketing.models import Party
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


def customers_matching(search: str) -> QuerySet[Customer]:
    """Customers whose number or name contains ``search``: what the document lists match a customer by."""
    return search_filter(
        Customer.objects.all(),
        contains_any(search, "number"),
        Q(party_id__in=Party.objects.filter(name__icontains=search).values("pk")),
    )


def prospect_list() -> QuerySet[Party]:
    """Parties without a customer account: those a new customer account may be opened for."""
    return Party.objects.filter(customer__isnull=True)


def customer_list(*, search: str = "", blocked: bool | None = None, ordering: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.select_related("party")
    if search:
        # Each table is searched through its own trigram indexes (core.search).
        parties = Party.objects.filter(contains_any(search, "name", "city"))
        customers = search_filter(customers, contains_any(search, "number"), Q(party_id__in=parties.values("pk")))
    if blocked is not None:
        customers = customers.filter(blocked=blocked)
    return order_by_sort(customers, ordering, sorts=CUSTOMER_SORTS, default=["number"])

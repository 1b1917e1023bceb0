"""Reads of customer accounts."""

from django.db.models import Q, QuerySet

from salesapp.models import Customer


def customer_list(*, search: str = "", blocked: bool | None = None) -> QuerySet[Customer]:
    customers = Customer.objects.select_related("party")
    if search:
        customers = customers.filter(
            Q(number__icontains=search) | Q(party__name__icontains=search) | Q(party__city__icontains=search)
        )
    if blocked is not None:
        customers = customers.filter(blocked=blocked)
    return customers.order_by("number")

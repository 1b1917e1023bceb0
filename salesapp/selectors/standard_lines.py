"""Reads of standard sales line sets."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from core.listing import order_by_sort
from core.search import contains_any
from salesapp.models import Customer, StandardLine, StandardLineSet

STANDARD_LINE_SET_SORTS = {
    "name": ("name",),
    "customer": ("customer__number",),
    "line_count": ("line_count",),
    "active": ("active",),
}
# Sets an order page offers to insert; a customer with more finds them on the list page.
SETS_OFFERED = 50


def standard_line_set_list(
    *,
    search: str = "",
    customer_id: int | None = None,
    active: bool | None = None,
    ordering: str = "",
) -> QuerySet[StandardLineSet]:
    sets = StandardLineSet.objects.select_related("customer__party").annotate(line_count=Count("lines"))
    if search:
        sets = sets.filter(contains_any(search, "name", "customer__number", "customer__party__name"))
    if customer_id:
        sets = sets.filter(customer_id=customer_id)
    if active is not None:
        sets = sets.filter(active=active)
    return order_by_sort(sets, ordering, sorts=STANDARD_LINE_SET_SORTS, default=["name", "id"])


def standard_line_set_get(*, pk: int) -> StandardLineSet:
    lines = StandardLine.objects.select_related("item").order_by("line_no")
    return (
        StandardLineSet.objects.select_related("customer__party")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .get(pk=pk)
    )


def standard_line_sets_for(*, customer: Customer, limit: int = SETS_OFFERED) -> list[StandardLineSet]:
    """The active sets that may be inserted into an order of ``customer``: its own, then those for everyone."""
    sets = StandardLineSet.objects.filter(Q(customer=customer) | Q(customer__isnull=True), active=True)
    return list(sets.order_by("customer_id", "name", "id")[:limit])

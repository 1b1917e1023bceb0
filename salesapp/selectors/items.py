"""Reads of the item catalogue."""

from django.db.models import QuerySet

from core.listing import order_by_sort
from core.search import contains_any
from salesapp.models import Item

# The item list's sortable columns and what each orders by.
ITEM_SORTS = {
    "number": ("number",),
    "name": ("name",),
    "item_type": ("item_type",),
    "unit": ("unit",),
    "unit_price": ("unit_price",),
    "on_hand": ("on_hand",),
    "tax_code": ("tax_code__code",),
    "active": ("active",),
}


def item_list(
    *, search: str = "", item_type: str = "", active: bool | None = None, ordering: str = ""
) -> QuerySet[Item]:
    items = Item.objects.select_related("tax_code")
    if search:
        items = items.filter(contains_any(search, "number", "name"))
    if item_type:
        items = items.filter(item_type=item_type)
    if active is not None:
        items = items.filter(active=active)
    return order_by_sort(items, ordering, sorts=ITEM_SORTS, default=["number"])

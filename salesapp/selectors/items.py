"""Reads of the item catalogue."""

from django.db.models import Q, QuerySet

from salesapp.models import Item


def item_list(*, search: str = "", item_type: str = "", active: bool | None = None) -> QuerySet[Item]:
    items = Item.objects.select_related("tax_code")
    if search:
        items = items.filter(Q(number__icontains=search) | Q(name__icontains=search))
    if item_type:
        items = items.filter(item_type=item_type)
    if active is not None:
        items = items.filter(active=active)
    return items.order_by("number")

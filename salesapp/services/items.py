from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ValidationFailed
from core.money import MAX_UNIT_PRICE
from salesapp.models import Item
from salesapp.services.validation import model_validated

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ITEM_FIELDS = (
    "number",
    "name",
    "item_type",
    "unit",
    "unit_price",
    "unit_cost",
    "tax_code",
    "tax_group",
    "item_group",
    "active",
)


def _item_validated(item: Item) -> Item:
    model_validated(item, exclude=["created_by"])
    # The column could hold more, but a sales price above the bound could not be put on an order line.
    if item.unit_cost > MAX_UNIT_PRICE:
        raise ValidationFailed(
            field_errors={
                "unit_cost": gettext("The unit cost cannot be more than %(max)s.") % {"max": f"{MAX_UNIT_PRICE:f}"}
            }
        )
    if item.unit_price > MAX_UNIT_PRICE:
        raise ValidationFailed(
            field_errors={
                "unit_price": gettext("The sales price cannot be more than %(max)s.") % {"max": f"{MAX_UNIT_PRICE:f}"}
            }
        )
    return item


@transaction.atomic
def item_create(*, by: User, **fields) -> Item:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})
    item = Item(created_by=by, **fields)
    _item_validated(item)
    item.save()
    return item


@transaction.atomic
def item_update(*, item: Item, by: User, **fields) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    for name, value in fields.items():
        if name not in ITEM_FIELDS:
            raise ValidationFailed(field_errors={name: gettext("Unknown field.")})
        setattr(item, name, value)
    _item_validated(item)
    item.save()
    return item

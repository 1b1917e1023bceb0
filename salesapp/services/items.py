from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import ValidationFailed
from salesapp.models import Item
from salesapp.services.validation import model_validated

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ITEM_FIELDS = ("number", "name", "item_type", "unit", "unit_price", "tax_code", "active")


@transaction.atomic
def item_create(*, by: User, **fields) -> Item:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationFailed(field_errors={name: gettext("Unknown field.") for name in sorted(unknown)})
    item = Item(created_by=by, **fields)
    model_validated(item, exclude=["created_by"])
    item.save()
    return item


@transaction.atomic
def item_update(*, item: Item, by: User, **fields) -> Item:
    item = Item.objects.select_for_update().get(pk=item.pk)
    for name, value in fields.items():
        if name not in ITEM_FIELDS:
            raise ValidationFailed(field_errors={name: gettext("Unknown field.")})
        setattr(item, name, value)
    model_validated(item, exclude=["created_by"])
    item.save()
    return item

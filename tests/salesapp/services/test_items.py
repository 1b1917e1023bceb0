from decimal import Decimal

import pytest

from core.errors import ValidationFailed
from salesapp.models import Item
from salesapp.services.items import item_create, item_update
from tests.factories.salesapp import ItemFactory, tax_code

D = Decimal


def test_item_at_the_largest_sales_price_is_created(manager):
    # when
    item = item_create(number="X-1", name="Plant", unit_price=D("9999999999.9999"), tax_code=tax_code(), by=manager)

    # then
    item.refresh_from_db()
    assert (item.number, item.unit_price, item.created_by) == ("X-1", D("9999999999.9999"), manager)


def test_sales_price_above_the_limit_is_refused_and_nothing_changes(manager):
    # given
    item = ItemFactory(number="A-1", unit_price=D("10"))

    # when
    with pytest.raises(ValidationFailed) as on_create:
        item_create(number="X-1", name="Plant", unit_price=D("10000000000"), tax_code=tax_code(), by=manager)
    with pytest.raises(ValidationFailed) as on_update:
        item_update(item=item, unit_price=D("99999999999999.9999"), by=manager)

    # then
    message = {"unit_price": "The sales price cannot be more than 9999999999.9999."}
    assert on_create.value.field_errors == message
    assert on_update.value.field_errors == message
    assert list(Item.objects.values_list("number", "unit_price")) == [("A-1", D("10.0000"))]

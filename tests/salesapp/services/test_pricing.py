from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.errors import ValidationFailed
from salesapp.models import TradeAgreementLine
from salesapp.services.pricing import (
    trade_agreement_line_create,
    trade_agreement_line_deactivate,
    trade_agreement_line_update,
)
from tests.factories.salesapp import ItemFactory, ItemGroupFactory, PriceGroupFactory, make_agreement

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_line_is_created_changed_and_deactivated(manager):
    item = ItemFactory()
    line = trade_agreement_line_create(
        by=manager, kind="price", applies_to="all", item=item, currency="EUR", unit_price=D("9.5")
    )
    line = trade_agreement_line_update(line=line, by=manager, from_quantity=D("10"), unit=" box ")
    line = trade_agreement_line_deactivate(line=line, by=manager)
    line.refresh_from_db()
    assert (line.unit_price, line.from_quantity, line.unit, line.active, line.created_by) == (
        D("9.5000"),
        D("10.000"),
        "box",
        False,
        manager,
    )


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"applies_to": "customer"}, {"customer": "This field is required for this line."}),
        ({"applies_to": "price_group"}, {"price_group": "This field is required for this line."}),
        ({"discount_percent": D("5")}, {"discount_percent": "Leave this field empty for this line."}),
        ({"unit_price": None}, {"unit_price": "This field is required for this line."}),
        ({"item": None}, {"item": "A price line is for one item."}),
        (
            {"kind": "discount", "unit_price": None, "discount_percent": D("5"), "with_group": True},
            {"item": "A discount line is for an item or for an item group: choose one."},
        ),
        (
            {"discount_percent": None, "kind": "discount", "unit_price": None},
            {"discount_percent": "This field is required for this line."},
        ),
        (
            {"valid_from": "2030-02-01", "valid_to": "2030-01-31"},
            {"valid_to": "The line cannot end before it starts."},
        ),
        ({"unit_price": D("-1")}, {"unit_price": "Ensure this value is greater than or equal to 0."}),
    ],
)
def test_contradictory_lines_are_refused_on_the_field_and_nothing_is_saved(manager, fields, errors):
    fields = {
        "kind": "price",
        "applies_to": "all",
        "item": ItemFactory(),
        "currency": "EUR",
        "unit_price": D("1"),
        **fields,
    }
    if fields.pop("with_group", False):
        fields["item_group"] = ItemGroupFactory()
    with pytest.raises(ValidationFailed) as refused:
        trade_agreement_line_create(by=manager, **fields)
    assert refused.value.field_errors == errors
    assert TradeAgreementLine.objects.count() == 0


def test_an_update_that_contradicts_is_refused_and_the_line_stays(manager):
    line = make_agreement(item=ItemFactory(), unit_price=D("3"))
    with pytest.raises(ValidationFailed):
        trade_agreement_line_update(line=line, by=manager, applies_to="customer")
    line.refresh_from_db()
    assert (line.applies_to, line.unit_price) == ("all", D("3.0000"))


@pytest.mark.parametrize(
    "bad",
    [
        {"applies_to": "customer"},
        {"applies_to": "all", "price_group": "group"},
        {"kind": "discount"},
        {"item_group": "group", "unit_price": None, "kind": "discount", "discount_percent": D("1")},
        {"discount_percent": D("101"), "unit_price": None, "kind": "discount"},
    ],
)
def test_the_database_holds_the_combinations_when_the_service_is_bypassed(bad):
    # given: a line written straight to the table
    item, group = ItemFactory(), PriceGroupFactory()
    values = {"kind": "price", "applies_to": "all", "item": item, "currency": "EUR", "unit_price": D("1"), **bad}
    values = {k: group if v == "group" else v for k, v in values.items()}
    values["item_group"] = ItemGroupFactory() if values.get("item_group") else None
    # then
    with pytest.raises(IntegrityError), transaction.atomic():
        TradeAgreementLine.objects.create(**values)
    assert TradeAgreementLine.objects.count() == 0

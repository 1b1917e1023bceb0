"""Inputs and number formats the order and packing slip forms share."""

from decimal import Decimal

from django import forms

from salesapp.models import Item


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class QuantityInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"step": "any", "min": "0", "inputmode": "decimal", "class": "qty", **(attrs or {})})


def plain_quantity(quantity: Decimal) -> Decimal:
    """10.000 as 10 and 2.500 as 2.5 in an input, without the exponent normalize() gives to 10."""
    return quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()


def plain_price(price: Decimal) -> Decimal:
    """12.5000 as 12.50, but 7.3456 stays 7.3456: prices carry 4 decimals, most use 2."""
    cents = price.quantize(Decimal("0.01"))
    return cents if cents == price else price.normalize()


def item_label(item: Item) -> str:
    """The sales price is in the choice, so a blank unit price is no surprise."""
    return f"{item.number} {item.name} ({plain_price(item.unit_price):f} / {item.unit})"

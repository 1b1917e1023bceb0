"""Demo price groups, item groups, trade agreements (with quantity breaks) and tax determination.

Built after customers and items and before the orders, so demo orders are priced and taxed by the engine as a
clerk's would be."""

from __future__ import annotations

import datetime
from decimal import Decimal

from salesapp.models import (
    Customer,
    CustomerPriceGroup,
    CustomerTaxGroup,
    Item,
    ItemGroup,
    ItemTaxGroup,
    TaxCode,
    TaxDetermination,
    TradeAgreementLine,
)
from salesapp.services.customers import customer_update
from salesapp.services.items import item_update
from salesapp.services.pricing import trade_agreement_line_create

D = Decimal

DEMO_PRICE_GROUPS = {"KEY": "Key accounts", "PUBLIC": "Public sector and healthcare"}
DEMO_PRICE_GROUP_OF = {
    "Van den Berg Kantoorinrichting B.V.": "KEY",
    "Brouwer Bouw B.V.": "KEY",
    "Weber Büroausstattung GmbH": "KEY",
    "Zorggroep Hoogeveen": "PUBLIC",
}
# Item groups by the item number's prefix.
DEMO_ITEM_GROUPS = {"FUR": "Furniture", "IT": "IT equipment", "CON": "Consumables", "SRV": "Services"}
DEMO_CUSTOMER_TAX_GROUPS = {
    "DOMESTIC": "Domestic (NL VAT)",
    "EU": "EU business (reverse charge)",
    "EXPORT": "Outside the EU (export)",
    "SE": "Sweden, without VAT number (SE VAT)",
}
DEMO_ITEM_TAX_GROUPS = {"FULL": "Standard rate", "REDUCED": "Reduced rate (food, books)"}
DEMO_DETERMINATION = {
    ("DOMESTIC", "FULL"): "NL21",
    ("DOMESTIC", "REDUCED"): "NL9",
    ("EU", "FULL"): "EURC",
    ("EU", "REDUCED"): "EURC",
    ("EXPORT", "FULL"): "NL0",
    ("EXPORT", "REDUCED"): "NL0",
    ("SE", "FULL"): "SE25",
    ("SE", "REDUCED"): "SE25",
}


def _customer_tax_group(customer: Customer) -> str:
    party = customer.party
    if party.country == "NL":
        return "DOMESTIC"
    if party.vat_number:
        return "EU"
    return "SE" if party.country == "SE" else "DOMESTIC"


def _agreements(items: dict[str, Item], price_groups: dict[str, CustomerPriceGroup], item_groups, customers, today):
    """(fields) of each demo trade agreement line."""
    van_den_berg = customers.get("Van den Berg Kantoorinrichting B.V.")
    lines = [
        # Copy paper for everyone, cheaper by the pallet: quantity breaks.
        {"item": items["CON-3001"], "from_quantity": D("10"), "unit_price": D("25.95")},
        {"item": items["CON-3001"], "from_quantity": D("40"), "unit_price": D("24.50")},
        {"item": items["CON-3008"], "from_quantity": D("12"), "unit_price": D("19.95")},
        # A spring offer on the sit-stand desk, ended a while ago.
        {
            "item": items["FUR-1002"],
            "unit_price": D("649.00"),
            "valid_from": today - datetime.timedelta(days=200),
            "valid_to": today - datetime.timedelta(days=140),
        },
        # Key accounts: chairs at a contract price, less from ten.
        {
            "applies_to": "price_group",
            "price_group": price_groups["KEY"],
            "item": items["FUR-1003"],
            "unit_price": D("265.00"),
        },
        {
            "applies_to": "price_group",
            "price_group": price_groups["KEY"],
            "item": items["FUR-1003"],
            "from_quantity": D("10"),
            "unit_price": D("249.00"),
        },
        # Public sector: 7.5 % off all furniture.
        {
            "kind": "discount",
            "applies_to": "price_group",
            "price_group": price_groups["PUBLIC"],
            "item_group": item_groups["FUR"],
            "discount_percent": D("7.5"),
        },
    ]
    if van_den_berg is not None:
        lines.append(
            {"applies_to": "customer", "customer": van_den_berg, "item": items["FUR-1001"], "unit_price": D("399.00")}
        )
    return lines


def demo_pricing_build(*, customers: list[Customer], items: list[Item], today: datetime.date, by=None) -> list:
    price_groups = {
        code: CustomerPriceGroup.objects.create(code=code, name=name) for code, name in DEMO_PRICE_GROUPS.items()
    }
    item_groups = {code: ItemGroup.objects.create(code=code, name=name) for code, name in DEMO_ITEM_GROUPS.items()}
    customer_tax = {
        code: CustomerTaxGroup.objects.create(code=code, name=name) for code, name in DEMO_CUSTOMER_TAX_GROUPS.items()
    }
    item_tax = {code: ItemTaxGroup.objects.create(code=code, name=name) for code, name in DEMO_ITEM_TAX_GROUPS.items()}
    codes = {code.code: code for code in TaxCode.objects.all()}
    TaxDetermination.objects.bulk_create(
        TaxDetermination(customer_tax_group=customer_tax[c], item_tax_group=item_tax[i], tax_code=codes[code])
        for (c, i), code in DEMO_DETERMINATION.items()
    )
    for index, item in enumerate(items):
        items[index] = item_update(
            item=item,
            by=by,
            item_group=item_groups[item.number.split("-")[0]],
            tax_group=item_tax["REDUCED" if item.tax_code.code == "NL9" else "FULL"],
            # A margin to protect: services have no cost price here.
            unit_cost=(item.unit_price * D("0.6")).quantize(D("0.01")) if item.item_type == "stocked" else D("0"),
        )
    for index, customer in enumerate(customers):
        group = DEMO_PRICE_GROUP_OF.get(customer.party.name)
        customers[index] = customer_update(
            customer=customer,
            by=by,
            price_group=price_groups[group] if group else None,
            tax_group=customer_tax[_customer_tax_group(customer)],
        )
    by_number = {item.number: item for item in items}
    by_name = {customer.party.name: customer for customer in customers}
    made: list[TradeAgreementLine] = []
    for fields in _agreements(by_number, price_groups, item_groups, by_name, today):
        fields = {"kind": "price", "applies_to": "all", "currency": "EUR", **fields}
        made.append(trade_agreement_line_create(by=by, **fields))
    return made

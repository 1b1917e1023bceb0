"""Money, price and quantity rules (DESIGN.md §5): Decimal only, rounded half up, in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

ZERO = Decimal("0")
HUNDRED = Decimal("100")
MONEY_QUANTUM = Decimal("0.01")
PRICE_QUANTUM = Decimal("0.0001")
QUANTITY_QUANTUM = Decimal("0.001")

# The largest values input may carry (DESIGN.md §5). They sit well inside the columns below (MoneyField and
# PriceField hold 14 integer digits, QuantityField 12), so that a line net (quantity × price) and an order
# total (nets + tax) always fit, with room for documents that add several orders up (summary invoices,
# balances). Services check them and name the field; forms and serializers use them as their max_value.
MAX_QUANTITY = Decimal("999999999.999")
MAX_UNIT_PRICE = Decimal("9999999999.9999")
MAX_AMOUNT = Decimal("999999999999.99")


def decimal_or_none(value) -> Decimal | None:
    """``value`` (typed text, a number) as a finite Decimal, or None when it is no number: text, NaN or infinity
    would otherwise pass into comparisons and amounts."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def round_money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


def round_price(value: Decimal) -> Decimal:
    return Decimal(value).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_UP)


def line_net(*, quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = ZERO) -> Decimal:
    """round(qty × price × (1 − discount), 2, half up) — the discount is applied before rounding once."""
    return round_money(Decimal(quantity) * Decimal(unit_price) * (1 - Decimal(discount_percent) / HUNDRED))


def tax_on(base: Decimal, rate_percent: Decimal) -> Decimal:
    return round_money(Decimal(base) * Decimal(rate_percent) / HUNDRED)


@dataclass(frozen=True)
class TaxableLine:
    net: Decimal
    tax_code_id: int
    tax_rate: Decimal


@dataclass
class TaxBucket:
    tax_code_id: int
    rate: Decimal
    base: Decimal = ZERO
    amount: Decimal = ZERO


@dataclass
class DocumentTotals:
    net: Decimal = ZERO
    tax: Decimal = ZERO
    taxes: list[TaxBucket] = field(default_factory=list)

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def document_totals(lines: Iterable[TaxableLine]) -> DocumentTotals:
    """Tax is computed per tax code on the sum of line nets and rounded once per code."""
    buckets: dict[int, TaxBucket] = {}
    for line in lines:
        bucket = buckets.setdefault(line.tax_code_id, TaxBucket(tax_code_id=line.tax_code_id, rate=line.tax_rate))
        bucket.base += line.net
    for bucket in buckets.values():
        bucket.amount = tax_on(bucket.base, bucket.rate)
    taxes = sorted(buckets.values(), key=lambda b: b.tax_code_id)
    return DocumentTotals(
        net=sum((b.base for b in taxes), ZERO),
        tax=sum((b.amount for b in taxes), ZERO),
        taxes=taxes,
    )


class MoneyField(models.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", ZERO)
        super().__init__(*args, **kwargs)


class PriceField(models.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("default", ZERO)
        super().__init__(*args, **kwargs)


class QuantityField(models.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("default", ZERO)
        super().__init__(*args, **kwargs)


class PercentField(models.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", ZERO)
        super().__init__(*args, **kwargs)

"""The pricing engine: one function gives every document line its price, discount and where they came from.

DESIGN.md §4.1 fixes the order of precedence: a sales agreement line (when the caller names the agreement), then
a trade agreement for the customer, for the customer's price group, for all customers, and last the item's own
sales price. Quotations, orders, invoices,
standard lines and the price look-up all ask ``price_for`` (or ``prices_for`` for a whole document); none of them
prices a line on its own.

Among the trade agreement lines of one level the engine takes the active ones in the document's currency, in the
line's unit (or for any unit), valid on the date and starting at or below the quantity; the highest from-quantity
wins (quantity breaks), then the latest valid-from. Discount lines are looked up the same way, the item's before
its item group's, and combine with the price found (as in Dynamics 365): the source names the most specific level
that contributed either.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext

from core.listing import order_by_sort
from core.money import ZERO, DocumentTotals, TaxableLine, document_totals, line_net, round_price
from core.search import contains_any
from salesapp.choices import AgreementAppliesTo, AgreementKind, AgreementState, LineType, PriceSource
from salesapp.line_types import (
    TEXT_LINE_TYPES,
    write_in_item,
    write_in_item_missing_message,
    write_in_price_missing_message,
)
from salesapp.models import Customer, Item, SalesAgreementLine, TaxCode, TaxDetermination, TradeAgreementLine


@dataclass(frozen=True)
class Price:
    unit_price: Decimal
    discount_percent: Decimal
    source: str  # a PriceSource value


# Most specific first: the index is the level's rank.
_LEVELS = (
    (AgreementAppliesTo.CUSTOMER, PriceSource.CUSTOMER_AGREEMENT),
    (AgreementAppliesTo.PRICE_GROUP, PriceSource.PRICE_GROUP_AGREEMENT),
    (AgreementAppliesTo.ALL, PriceSource.ALL_CUSTOMERS_AGREEMENT),
)
_RANK = {applies_to: rank for rank, (applies_to, _source) in enumerate(_LEVELS)}
_ITEM_PRICE_RANK = len(_LEVELS)


def company_currency() -> str:
    return settings.SALESFLOW_COMPANY["currency"]


def _sales_agreement_terms(
    agreement, *, customer: Customer | None, items: Iterable[Item], date: datetime.date, currency: str
) -> dict[int | None, tuple[Decimal | None, Decimal]]:
    """What a sales agreement sets for ``items``, as one statement: per item id its (unit price, discount);
    under ``None`` the (no price, default discount) of a total value commitment, whose prices come from the
    engine. Empty when the agreement does not apply: not effective, another customer or currency, or not valid
    on ``date`` (checked in the statement, so a stale copy of the agreement cannot give a price)."""
    if customer is None:
        return {}
    rows = (
        SalesAgreementLine.objects.filter(
            agreement_id=agreement.pk,
            agreement__state=AgreementState.EFFECTIVE,
            agreement__customer_id=customer.pk,
            agreement__currency=currency,
            agreement__valid_from__lte=date,
            agreement__valid_to__gte=date,
        )
        .filter(Q(item_id__in={item.pk for item in items}) | Q(item__isnull=True))
        .values_list("item_id", "unit_price", "discount_percent", "agreement__default_discount_percent")
    )
    terms: dict[int | None, tuple[Decimal | None, Decimal]] = {}
    for item_id, unit_price, discount, default_discount in rows:
        terms[item_id] = (unit_price, default_discount if discount is None else discount)
    return terms


def _with_agreement(price: Price, item: Item, terms: dict[int | None, tuple[Decimal | None, Decimal]]) -> Price:
    """The engine's ``price`` overruled by the sales agreement: its line for the item, else (a total value
    commitment) the engine's price with the agreement's default discount. A sales agreement beats every
    trade agreement (DESIGN.md §4.1)."""
    found = terms.get(item.pk) or terms.get(None)
    if found is None:
        return price
    unit_price, discount = found
    return Price(
        unit_price=price.unit_price if unit_price is None else unit_price,
        discount_percent=discount,
        source=PriceSource.SALES_AGREEMENT,
    )


def agreement_candidates(
    *, customer: Customer | None, items: Iterable[Item], date: datetime.date, currency: str, max_quantity: Decimal
):
    """The active agreement lines in ``currency`` valid on ``date`` that may apply to ``items``, as one query
    (the partial indexes on item and item group serve it; ``bench/pricing.py`` prints its plan)."""
    items = list(items)
    item_ids = {item.pk for item in items}
    group_ids = {item.item_group_id for item in items if item.item_group_id}
    for_whom = Q(applies_to=AgreementAppliesTo.ALL)
    if customer is not None:
        for_whom |= Q(customer_id=customer.pk)
        if customer.price_group_id:
            for_whom |= Q(price_group_id=customer.price_group_id)
    what = Q(item_id__in=item_ids)
    if group_ids:
        what |= Q(item_group_id__in=group_ids, kind=AgreementKind.DISCOUNT)
    return (
        TradeAgreementLine.objects.filter(what, for_whom, active=True, currency=currency)
        .filter(from_quantity__lte=max_quantity)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=date), Q(valid_to__isnull=True) | Q(valid_to__gte=date))
        # The engine picks in Python; a sort here would only cost.
        .order_by()
        .only(
            "kind",
            "applies_to",
            "item_id",
            "item_group_id",
            "unit",
            "from_quantity",
            "valid_from",
            "unit_price",
            "discount_percent",
        )
    )


def _best(lines: Iterable[TradeAgreementLine]) -> TradeAgreementLine | None:
    """The most specific level first; within it the highest quantity break, then the latest valid-from."""
    return min(
        lines,
        key=lambda line: (
            _RANK[line.applies_to],
            -line.from_quantity,
            -(line.valid_from or datetime.date.min).toordinal(),
        ),
        default=None,
    )


def _price_from(
    candidates: Sequence[TradeAgreementLine], *, item: Item, quantity: Decimal, currency: str, unit: str
) -> Price:
    fitting = [line for line in candidates if line.from_quantity <= quantity and line.unit in ("", unit)]
    price_line = _best(line for line in fitting if line.kind == AgreementKind.PRICE and line.item_id == item.pk)
    discounts = [line for line in fitting if line.kind == AgreementKind.DISCOUNT]
    # The item's own discount lines before its group's, whatever the level.
    discount_line = _best(line for line in discounts if line.item_id == item.pk) or _best(
        line for line in discounts if line.item_group_id and line.item_group_id == item.item_group_id
    )
    if price_line is not None:
        unit_price, price_rank = price_line.unit_price, _RANK[price_line.applies_to]
    else:
        # The item's sales price is in the company currency. In another currency it is taken as it stands, as
        # orders always have done (no exchange rates yet): agreements in that currency are how to price there.
        unit_price, price_rank = item.unit_price, _ITEM_PRICE_RANK
    rank = price_rank
    discount = ZERO
    if discount_line is not None:
        discount = discount_line.discount_percent
        rank = min(rank, _RANK[discount_line.applies_to])
    source = PriceSource.ITEM_PRICE if rank == _ITEM_PRICE_RANK else _LEVELS[rank][1]
    return Price(unit_price=unit_price, discount_percent=discount, source=source)


def price_for(
    *,
    customer: Customer | None,
    item: Item,
    quantity: Decimal,
    date: datetime.date,
    currency: str,
    agreement=None,
) -> Price:
    """The price of ``quantity`` of ``item`` for ``customer`` (None for a prospect) on ``date`` in ``currency``.

    One statement, whatever the number of trade agreement lines; one more when a sales ``agreement`` is given
    (its price for the item, when it applies on ``date``, overrules the rest)."""
    quantity = Decimal(quantity)
    candidates = list(
        agreement_candidates(customer=customer, items=[item], date=date, currency=currency, max_quantity=quantity)
    )
    price = _price_from(candidates, item=item, quantity=quantity, currency=currency, unit=item.unit)
    if agreement is None:
        return price
    terms = _sales_agreement_terms(agreement, customer=customer, items=[item], date=date, currency=currency)
    return _with_agreement(price, item, terms)


def prices_for(
    *,
    customer: Customer | None,
    lines: Sequence[tuple[Item, Decimal]],
    date: datetime.date,
    currency: str,
    agreement=None,
) -> list[Price]:
    """``price_for`` for every (item, quantity) of a document, in order: one statement for all of them (two with
    a sales ``agreement``)."""
    if not lines:
        return []
    quantities = [Decimal(quantity) for _item, quantity in lines]
    candidates = list(
        agreement_candidates(
            customer=customer,
            items=[item for item, _q in lines],
            date=date,
            currency=currency,
            max_quantity=max(quantities),
        )
    )
    by_item: dict[int, list[TradeAgreementLine]] = {}
    for line in candidates:
        if line.item_id:
            by_item.setdefault(line.item_id, []).append(line)
    by_group: dict[int, list[TradeAgreementLine]] = {}
    for line in candidates:
        if line.item_group_id:
            by_group.setdefault(line.item_group_id, []).append(line)
    prices = [
        _price_from(
            by_item.get(item.pk, []) + by_group.get(item.item_group_id, []),
            item=item,
            quantity=quantity,
            currency=currency,
            unit=item.unit,
        )
        for (item, _q), quantity in zip(lines, quantities, strict=True)
    ]
    if agreement is None:
        return prices
    items = [item for item, _q in lines]
    terms = _sales_agreement_terms(agreement, customer=customer, items=items, date=date, currency=currency)
    return [_with_agreement(price, item, terms) for price, item in zip(prices, items, strict=True)]


def tax_codes_for(
    *, customer: Customer | None, items: Sequence[Item], tax_group_id: int | None = None
) -> dict[int, TaxCode]:
    """The default tax code per item id for lines sold to ``customer``; for a prospect (None), to the customer
    tax group ``tax_group_id`` its account will get (salesapp.selectors.customer_terms).

    The customer tax group × item tax group row decides; without a group on either side, or without a row for
    the pair, the item's own tax code stands. At most two statements, whatever the number of items."""
    found: dict[int, TaxCode] = {}
    group_of = {item.pk: item.tax_group_id for item in items}
    customer_group = customer.tax_group_id if customer is not None else tax_group_id
    if customer_group:
        wanted = {group for group in group_of.values() if group}
        if wanted:
            codes = {
                row.item_tax_group_id: row.tax_code
                for row in TaxDetermination.objects.filter(
                    customer_tax_group_id=customer_group, item_tax_group_id__in=wanted
                ).select_related("tax_code")
            }
            found = {pk: codes[group] for pk, group in group_of.items() if group in codes}
    missing = [item for item in items if item.pk not in found]
    unloaded = {item.tax_code_id for item in missing if not Item.tax_code.is_cached(item)}
    loaded = TaxCode.objects.in_bulk(unloaded) if unloaded else {}
    for item in missing:
        found[item.pk] = item.tax_code if Item.tax_code.is_cached(item) else loaded[item.tax_code_id]
    return found


def tax_code_for(*, customer: Customer | None, item: Item, tax_group_id: int | None = None) -> TaxCode:
    """The tax code a line of ``item`` sold to ``customer`` (a prospect: to ``tax_group_id``) gets by default."""
    return tax_codes_for(customer=customer, items=[item], tax_group_id=tax_group_id)[item.pk]


# The trade agreement list's sortable columns and what each orders by.
TRADE_AGREEMENT_SORTS = {
    "kind": ("kind",),
    "applies_to": ("applies_to",),
    "item": ("item__number", "item_group__code"),
    "currency": ("currency",),
    "from_quantity": ("from_quantity",),
    "valid_from": ("valid_from",),
    "valid_to": ("valid_to",),
    "unit_price": ("unit_price",),
    "discount_percent": ("discount_percent",),
}


def trade_agreement_list(
    *,
    search: str = "",
    kind: str = "",
    applies_to: str = "",
    customer: Customer | None = None,
    price_group=None,
    item: Item | None = None,
    currency: str = "",
    active: bool | None = None,
    valid_on: datetime.date | None = None,
    ordering: str = "",
):
    lines = TradeAgreementLine.objects.select_related("customer__party", "price_group", "item", "item_group")
    if search:
        lines = lines.filter(
            contains_any(
                search,
                "item__number",
                "item__name",
                "item_group__code",
                "customer__number",
                "customer__party__name",
                "price_group__code",
            )
        )
    exact = {
        "kind": kind,
        "applies_to": applies_to,
        "customer": customer,
        "price_group": price_group,
        "item": item,
        "currency": currency,
    }
    lines = lines.filter(**{name: value for name, value in exact.items() if value})
    if active is not None:
        lines = lines.filter(active=active)
    if valid_on is not None:
        lines = lines.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=valid_on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_on),
        )
    return order_by_sort(
        lines,
        ordering,
        sorts=TRADE_AGREEMENT_SORTS,
        default=["item__number", "item_group__code", "applies_to", "currency", "from_quantity", "-id"],
    )


@dataclass(frozen=True)
class LinePreview:
    """What a line being typed will be: its price (typed or the engine's), source, tax code, net, and why its
    price needs a confirmation (zero, or below the item's unit cost), if it does. A comment line has no item,
    tax code or amount; a write-in line shows the write-in item that carries it (None when there is none, and
    the warning says so)."""

    item: Item | None
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    source: str
    tax_code: TaxCode | None
    net_amount: Decimal
    warning: str = ""
    line_type: str = ""
    description: str = ""

    @property
    def source_label(self) -> str:
        return str(PriceSource(self.source).label)

    @property
    def is_comment(self) -> bool:
        return self.line_type == LineType.COMMENT

    @property
    def is_write_in(self) -> bool:
        return self.line_type == LineType.WRITE_IN


@dataclass(frozen=True)
class LineEntry:
    item: Item | None
    quantity: Decimal
    unit_price: Decimal | None = None
    discount_percent: Decimal | None = None
    line_type: str = ""  # "" from the item; write-in and comment lines as in salesapp.line_types
    description: str = ""


def price_warning(*, item: Item, unit_price: Decimal, discount_percent: Decimal, name: str = "") -> str:
    """Why a price should not pass without the clerk confirming it: '' when it may (or when it is out of bounds
    altogether: the order services refuse that, naming the field). ``name``: what the clerk calls the product
    when it is not the item's number (a write-in's text)."""
    label = name or item.number
    if unit_price < 0 or not 0 <= discount_percent <= 100:
        return ""
    if unit_price == 0 or discount_percent == 100:
        return gettext("The price of %(item)s is zero.") % {"item": label}
    selling = unit_price * (1 - discount_percent / 100)
    if selling < item.unit_cost:
        return gettext("%(item)s sells at %(price)s after discount, below its unit cost of %(cost)s.") % {
            "item": label,
            "price": f"{round_price(selling):f}",
            "cost": f"{item.unit_cost:f}",
        }
    return ""


def _text_line_preview(line: LineEntry, carrier: Item | None, codes: dict[int, TaxCode]) -> LinePreview:
    """A comment line (text only), or a write-in at the price typed for it: the engine knows no price for a
    product outside the catalogue, so a write-in without a typed price says it needs one."""
    if line.line_type == LineType.COMMENT:
        return LinePreview(
            item=None,
            quantity=ZERO,
            unit_price=ZERO,
            discount_percent=ZERO,
            source=PriceSource.MANUAL,
            tax_code=None,
            net_amount=ZERO,
            line_type=line.line_type,
            description=line.description,
        )
    unit_price = ZERO if line.unit_price is None else line.unit_price
    discount = ZERO if line.discount_percent is None else line.discount_percent
    if carrier is None:
        warning = write_in_item_missing_message()
    elif line.unit_price is None:
        warning = write_in_price_missing_message()
    else:
        warning = price_warning(
            item=carrier, unit_price=unit_price, discount_percent=discount, name=line.description.strip()[:60]
        )
    return LinePreview(
        item=carrier,
        quantity=line.quantity,
        unit_price=unit_price,
        discount_percent=discount,
        source=PriceSource.MANUAL,
        tax_code=codes[carrier.pk] if carrier is not None else None,
        net_amount=line_net(quantity=line.quantity, unit_price=unit_price, discount_percent=discount),
        warning=warning,
        line_type=line.line_type,
        description=line.description,
    )


def line_previews(
    *,
    customer: Customer | None,
    lines: Sequence[LineEntry],
    date: datetime.date,
    currency: str,
    tax_group_id: int | None = None,
) -> tuple[list[LinePreview], DocumentTotals]:
    """The lines of a document being typed as they would be saved, and its totals (DESIGN.md §5): the same
    engine and rounding as the services, in at most four statements whatever the number of lines (the write-in
    item is read once, and only when a write-in line is typed). ``tax_group_id``: for a prospect's document,
    the customer tax group its account will get (``tax_codes_for``)."""
    catalogue = [line for line in lines if line.line_type not in TEXT_LINE_TYPES]
    carrier = write_in_item() if any(line.line_type == LineType.WRITE_IN for line in lines) else None
    prices = iter(
        prices_for(
            customer=customer, lines=[(line.item, line.quantity) for line in catalogue], date=date, currency=currency
        )
    )
    codes = tax_codes_for(
        customer=customer,
        items=[line.item for line in catalogue] + ([carrier] if carrier is not None else []),
        tax_group_id=tax_group_id,
    )
    previews = []
    for line in lines:
        if line.line_type in TEXT_LINE_TYPES:
            previews.append(_text_line_preview(line, carrier, codes))
            continue
        price = next(prices)
        typed = line.unit_price is not None or line.discount_percent is not None
        unit_price = price.unit_price if line.unit_price is None else line.unit_price
        discount = price.discount_percent if line.discount_percent is None else line.discount_percent
        previews.append(
            LinePreview(
                item=line.item,
                quantity=line.quantity,
                unit_price=unit_price,
                discount_percent=discount,
                source=PriceSource.MANUAL if typed else price.source,
                tax_code=codes[line.item.pk],
                net_amount=line_net(quantity=line.quantity, unit_price=unit_price, discount_percent=discount),
                warning=price_warning(item=line.item, unit_price=unit_price, discount_percent=discount),
                line_type=line.line_type,
                description=line.description,
            )
        )
    totals = document_totals(
        TaxableLine(net=p.net_amount, tax_code_id=p.tax_code.pk, tax_rate=p.tax_code.rate)
        for p in previews
        if p.tax_code is not None
    )
    return previews, totals

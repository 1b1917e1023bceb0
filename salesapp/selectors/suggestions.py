"""Which up-sell and cross-sell suggestions apply to a line, and what became of them (the report).

One set of conditions (``_applicable``) decides whether a rule applies, for a single line (the API, quotations)
and for every line of an order page at once."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, NullIf, RowNumber

from core.listing import order_by_sort
from core.money import ZERO
from core.search import contains_any
from salesapp.choices import RelationKind, SuggestionEventKind
from salesapp.models import (
    Customer,
    Item,
    ProductRelation,
    Quotation,
    QuotationLine,
    SalesOrder,
    SalesOrderLine,
    SuggestionEvent,
)

# Suggestions offered per line: a clerk reads two or three, not a catalogue.
SUGGESTIONS_PER_LINE = 3
# Accepted suggestions an order page offers to undo, newest first.
UNDOABLE_SHOWN = 5

RELATION_SORTS = {
    "item": ("item__number",),
    "suggested_item": ("suggested_item__number",),
    "kind": ("kind",),
    "min_quantity": ("min_quantity",),
    "price_group": ("price_group__code",),
    "valid_from": ("valid_from",),
    "valid_to": ("valid_to",),
    "priority": ("priority",),
    "active": ("active",),
}


def _applicable(*, date: datetime.date, quantity, customer: Customer | None, prefix: str = "") -> Q:
    """The rule (fields under ``prefix``) is active, in its validity on ``date``, its suggested item is still
    sold, ``quantity`` (a number or an expression) reaches its minimum and ``customer`` is in its price group
    (a rule without a group applies to everyone; a prospect, ``customer`` None, gets only those)."""
    p = prefix
    group = Q(**{f"{p}price_group__isnull": True})
    if customer is not None and customer.price_group_id:
        group |= Q(**{f"{p}price_group_id": customer.price_group_id})
    return (
        Q(**{f"{p}active": True, f"{p}suggested_item__active": True})
        & (Q(**{f"{p}min_quantity__isnull": True}) | Q(**{f"{p}min_quantity__lte": quantity}))
        & (Q(**{f"{p}valid_from__isnull": True}) | Q(**{f"{p}valid_from__lte": date}))
        & (Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__gte": date}))
        & group
    )


def suggestions_for(
    *,
    customer: Customer | None,
    item: Item,
    quantity: Decimal,
    date: datetime.date,
    limit: int = SUGGESTIONS_PER_LINE,
) -> list[ProductRelation]:
    """The rules that apply to a line of ``quantity`` ``item`` on ``date``, best first (lowest priority number),
    at most ``limit``, in one query. ``customer`` is None for a prospect on a quotation: it gets the rules
    without a customer price group only."""
    relations = (
        ProductRelation.objects.filter(_applicable(date=date, quantity=quantity, customer=customer), item=item)
        .select_related("item", "suggested_item")
        .order_by("priority", "id")
    )
    return list(relations[:limit])


def relation_applies(
    *, relation: ProductRelation, item: Item, quantity: Decimal, date: datetime.date, customer: Customer | None
) -> bool:
    applicable = _applicable(date=date, quantity=quantity, customer=customer)
    return ProductRelation.objects.filter(applicable, pk=relation.pk, item=item).exists()


def suggestions_for_lines(
    *,
    lines: list[SalesOrderLine] | list[QuotationLine],
    customer: Customer | None,
    date: datetime.date,
    limit: int = SUGGESTIONS_PER_LINE,
) -> dict[int, list[ProductRelation]]:
    """The suggestions for each of a document's ``lines`` (order or quotation lines of ``customer``, None for a
    prospect; line id → rules, best first, at most ``limit`` each), in two queries whatever the number of lines.
    A cross-sell of an item already on those lines is left out."""
    item_lines = [line for line in lines if line.item_id]
    if not item_lines:
        return {}
    line_model = type(item_lines[0])
    on_order = {line.item_id for line in item_lines}
    ranked = (
        line_model.objects.filter(
            _applicable(date=date, quantity=F("quantity"), customer=customer, prefix="item__relations__"),
            id__in=[line.pk for line in item_lines],
        )
        .annotate(
            relation_id=F("item__relations__id"),
            rank=Window(
                RowNumber(),
                partition_by=[F("id")],
                order_by=[F("item__relations__priority").asc(), F("item__relations__id").asc()],
            ),
        )
        # Cross-sells of items already on the document are left out below: rank deep enough that a line still
        # gets ``limit`` suggestions when its best rules are such cross-sells.
        .filter(rank__lte=limit + len(on_order))
        .values_list("id", "relation_id")
    )
    pairs = list(ranked)
    if not pairs:
        return {}
    relations = ProductRelation.objects.select_related("suggested_item").in_bulk({pk for _line, pk in pairs})
    by_line: dict[int, list[ProductRelation]] = defaultdict(list)
    for line_id, relation_id in sorted(pairs, key=lambda pair: (relations[pair[1]].priority, pair[1])):
        rule = relations[relation_id]
        if rule.kind == RelationKind.CROSS_SELL and rule.suggested_item_id in on_order:
            continue
        if len(by_line[line_id]) < limit:
            by_line[line_id].append(rule)
    return dict(by_line)


def suggestion_events_undoable(
    *, order: SalesOrder | None = None, quotation: Quotation | None = None, limit: int = UNDOABLE_SHOWN
) -> list[SuggestionEvent]:
    """The accepted suggestions of an order or of a quotation that are not undone yet, newest first."""
    document = {"order": order} if order is not None else {"quotation": quotation}
    events = SuggestionEvent.objects.filter(**document, kind=SuggestionEventKind.ACCEPTED, undone_at__isnull=True)
    return list(events.select_related("relation__item", "relation__suggested_item").order_by("-at", "-id")[:limit])


def product_relation_list(
    *,
    search: str = "",
    kind: str = "",
    active: bool | None = None,
    item_id: int | None = None,
    price_group_id: int | None = None,
    ordering: str = "",
) -> QuerySet[ProductRelation]:
    relations = ProductRelation.objects.select_related("item", "suggested_item", "price_group")
    if search:
        relations = relations.filter(
            contains_any(search, "item__number", "item__name", "suggested_item__number", "suggested_item__name")
        )
    if kind:
        relations = relations.filter(kind=kind)
    if active is not None:
        relations = relations.filter(active=active)
    if item_id:
        relations = relations.filter(item_id=item_id)
    if price_group_id:
        relations = relations.filter(price_group_id=price_group_id)
    return order_by_sort(relations, ordering, sorts=RELATION_SORTS, default=["item__number", "priority", "id"])


REPORT_SORTS = {
    "shown": ("shown",),
    "accepted": ("accepted",),
    "rate": ("rate",),
    "revenue": ("revenue",),
    "quoted_revenue": ("quoted_revenue",),
    "item": ("item__number",),
}


def suggestion_report(
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    kind: str = "",
    ordering: str = "",
) -> QuerySet[ProductRelation]:
    """Per rule: how often it was shown and accepted on orders and quotations together (undone acceptances do
    not count), the acceptance rate (accepted / shown, None before it was shown), and the net amount of the
    lines it brought in two columns: ``revenue`` on sales orders, ``quoted_revenue`` on quotations (an offer,
    not yet revenue; a quotation's accepted lines are not followed onto the order it converts into, so nothing
    is counted twice). Aggregated by the database; rules never shown nor accepted are left out."""
    period = Q()
    if date_from:
        period &= Q(events__at__date__gte=date_from)
    if date_to:
        period &= Q(events__at__date__lte=date_to)
    accepted = period & Q(events__kind=SuggestionEventKind.ACCEPTED, events__undone_at__isnull=True)
    rows = ProductRelation.objects.select_related("item", "suggested_item").annotate(
        shown=Count("events", filter=period & Q(events__kind=SuggestionEventKind.SHOWN)),
        accepted=Count("events", filter=accepted),
        revenue=Coalesce(
            Sum("events__revenue", filter=accepted & Q(events__order__isnull=False)),
            Value(ZERO),
            output_field=DecimalField(),
        ),
        quoted_revenue=Coalesce(
            Sum("events__revenue", filter=accepted & Q(events__quotation__isnull=False)),
            Value(ZERO),
            output_field=DecimalField(),
        ),
    )
    if kind:
        rows = rows.filter(kind=kind)
    rows = rows.filter(Q(shown__gt=0) | Q(accepted__gt=0)).annotate(
        rate=F("accepted") * Value(Decimal("100.0"), output_field=DecimalField()) / NullIf(F("shown"), 0)
    )
    return order_by_sort(rows, ordering, sorts=REPORT_SORTS, default=["-revenue", "-accepted", "id"])

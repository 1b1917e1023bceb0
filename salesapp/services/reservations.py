"""Reservations: on-hand stock promised to confirmed order lines, in order of priority (DESIGN.md §4.4).

The lines of confirmed orders that ship goods from stock and still wait for some take what is free of their
item's on-hand, the first in line first: the earliest confirmed ship date (else the requested one, else the order
date), then the oldest order. Stock that comes free (a receipt, a return, a canceled order, a delivery undone) goes
to the next in line at once, so free stock and an unserved line of the same item never stay side by side unless a
manager decided so (``reservations_split``). A promise already given is kept when a later line arrives with an
earlier date: it is taken back only by the manager or when the stock itself goes (``reservations_shrink``).

Lock order (DESIGN.md §2.4): order → lines → packing slip → items. Filling runs after the caller's own locks and
skips lines another transaction holds (that transaction is changing them and fills again when it is done), so it
never waits on a line while holding an item.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils.translation import gettext

from core.bulk import column_update
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.money import ZERO, decimal_or_none
from salesapp.choices import LineSupply, LineType, OrderState
from salesapp.errors import ErrorCode
from salesapp.models import Item, SalesOrder, SalesOrderLine
from salesapp.order_types import POLICIES, StockDirection, policy_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The order types whose lines take goods out of stock: a returned order's lines bring them in.
RESERVING_TYPES = sorted(code for code, policy in POLICIES.items() if policy.stock_direction == StockDirection.OUT)

_LINES = SalesOrderLine._meta.db_table
_ORDERS = SalesOrder._meta.db_table
_ITEMS = Item._meta.db_table
# A waiting line, as the partial index order_line_waiting_by_item states it (so the planner can use it).
WAITING_SQL = (
    "l.qty_delivered < (l.quantity - l.qty_closed_short) AND o.state = 'confirmed' "
    f"AND o.order_type = ANY(%(types)s) AND l.line_type = '{LineType.ITEM}' AND l.supply = '{LineSupply.STOCK}'"
)
# Who is first in line (the module's docstring), and the reverse.
_PRIORITY = (
    "COALESCE(l.confirmed_ship_date, l.requested_ship_date, o.requested_ship_date, o.order_date)",
    "o.order_date",
    "o.id",
    "l.line_no",
)
PRIORITY_SQL = ", ".join(_PRIORITY)
_LAST_FIRST_SQL = ", ".join(f"{term} DESC" for term in _PRIORITY)

_FILL = f"""
WITH items AS (
    SELECT id, on_hand - reserved AS free FROM {_ITEMS}
    WHERE id = ANY(%(ids)s) AND on_hand > reserved ORDER BY id FOR UPDATE
), waiting AS (
    SELECT l.id, l.item_id, l.quantity - l.qty_delivered - l.qty_closed_short - l.qty_reserved AS want,
           ROW_NUMBER() OVER (PARTITION BY l.item_id ORDER BY {PRIORITY_SQL}) AS place
    FROM {_LINES} l JOIN {_ORDERS} o ON o.id = l.order_id
    WHERE l.id IN (
        SELECT l.id FROM {_LINES} l JOIN {_ORDERS} o ON o.id = l.order_id
        WHERE l.item_id IN (SELECT id FROM items) AND {WAITING_SQL}
          AND l.quantity - l.qty_delivered - l.qty_closed_short > l.qty_reserved
        FOR UPDATE OF l SKIP LOCKED
    )
), ranked AS (
    SELECT w.id, w.item_id, w.want, i.free,
           SUM(w.want) OVER (PARTITION BY w.item_id ORDER BY w.place) - w.want AS before
    FROM waiting w JOIN items i ON i.id = w.item_id
), taken AS (
    UPDATE {_LINES} AS t SET qty_reserved = t.qty_reserved + LEAST(r.want, r.free - r.before)
    FROM ranked r WHERE t.id = r.id AND r.before < r.free
    RETURNING t.item_id, LEAST(r.want, r.free - r.before) AS quantity
)
UPDATE {_ITEMS} AS t SET reserved = t.reserved + s.quantity
FROM (SELECT item_id, SUM(quantity) AS quantity FROM taken GROUP BY item_id) s WHERE t.id = s.item_id
"""


def reservations_fill(item_ids) -> None:
    """Give the free on-hand of ``item_ids`` to the lines waiting for them, first in line first (one statement)."""
    ids = sorted({pk for pk in item_ids if pk})
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_FILL, {"ids": ids, "types": RESERVING_TYPES})


_FILL_ORDER = _FILL.replace(
    "id = ANY(%(ids)s)",
    f"id IN (SELECT item_id FROM {_LINES} WHERE order_id = %(order)s AND line_type = '{LineType.ITEM}')",
)


def _reserved_drop(drops: dict[int, Decimal]) -> None:
    """Lower the items' reserved figures (after the caller lowered its lines'), items in id order."""
    drops = {pk: quantity for pk, quantity in drops.items() if quantity}
    if not drops:
        return
    ids = sorted(drops)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH locked AS (SELECT id FROM {_ITEMS} WHERE id = ANY(%s) ORDER BY id FOR UPDATE) "
            f"UPDATE {_ITEMS} AS t SET reserved = t.reserved - v.quantity "
            "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, quantity) "
            "WHERE t.id = v.id AND t.id IN (SELECT id FROM locked)",
            [ids, ids, [drops[pk] for pk in ids]],
        )


def reserved_cut(lines, *, everything: bool = False) -> dict[int, Decimal]:
    """In memory, before the caller writes locked ``lines`` it changed (closed short, order canceled): each keeps
    at most what it still waits for (nothing when ``everything``). Returns what each item gets back, for
    ``reservations_give_back`` once the lines are written."""
    drops: dict[int, Decimal] = {}
    for line in lines:
        keep = ZERO if everything else max(min(line.qty_reserved, line.deliver_remainder), ZERO)
        if keep != line.qty_reserved:
            drops[line.item_id] = drops.get(line.item_id, ZERO) + line.qty_reserved - keep
            line.qty_reserved = keep
    return drops


def reservations_give_back(drops: dict[int, Decimal]) -> None:
    """The items' stock the lines let go of (``reserved_cut``) goes to the next in line."""
    if any(drops.values()):
        _reserved_drop(drops)
        reservations_fill(drops)


def reservations_release(lines, *, everything: bool = False) -> None:
    """``reserved_cut`` and ``reservations_give_back`` for locked lines whose other columns are written already."""
    before = {line.pk: line.qty_reserved for line in lines}
    drops = reserved_cut(lines, everything=everything)
    column_update(
        SalesOrderLine,
        "qty_reserved",
        {line.pk: line.qty_reserved for line in lines if before[line.pk] != line.qty_reserved},
    )
    reservations_give_back(drops)


def reservations_shrink(*, item_id: int, change: Decimal) -> None:
    """Before on-hand of ``item_id`` goes down by ``change`` (below zero: an adjustment): take back what is
    promised beyond what stays, last in line first. The lines are locked before the item, as everywhere."""
    lines = list(
        SalesOrderLine.objects.raw(
            f"SELECT l.* FROM {_LINES} l JOIN {_ORDERS} o ON o.id = l.order_id "
            f"WHERE l.item_id = %(item)s AND l.qty_reserved > 0 ORDER BY {_LAST_FIRST_SQL} FOR UPDATE OF l",
            {"item": item_id},
        )
    )
    on_hand, reserved = Item.objects.select_for_update().values_list("on_hand", "reserved").get(pk=item_id)
    excess = reserved - max(on_hand + change, ZERO)
    kept: dict[int, Decimal] = {}
    for line in lines:
        if excess <= 0:
            break
        back = min(line.qty_reserved, excess)
        kept[line.pk] = line.qty_reserved - back
        excess -= back
    if kept:
        dropped = sum((line.qty_reserved - kept[line.pk] for line in lines if line.pk in kept), ZERO)
        column_update(SalesOrderLine, "qty_reserved", kept)
        _reserved_drop({item_id: dropped})


@transaction.atomic
def reservations_split(*, item: Item, quantities: dict[int, object], by: User) -> dict[int, Decimal]:
    """A manager's split of an item's on-hand between the orders waiting for it: ``quantities`` per order line id
    is what each line keeps promised (lines not named keep theirs). Refused as a whole when a line is not waiting
    for the item, a quantity exceeds what the line still waits for, or the promises exceed what is on hand."""
    if not by.has_perm("salesapp.allocate_stock"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow re-allocating stock between orders."),
        )
    ids = sorted({int(pk) for pk in quantities})
    lines = {
        line.pk: line
        for line in SalesOrderLine.objects.raw(
            f"SELECT l.* FROM {_LINES} l JOIN {_ORDERS} o ON o.id = l.order_id "
            f"WHERE l.id = ANY(%(ids)s) AND l.item_id = %(item)s AND {WAITING_SQL} ORDER BY l.id FOR UPDATE OF l",
            {"ids": ids, "item": item.pk, "types": RESERVING_TYPES},
        )
    }
    errors: dict[str, str] = {}
    wanted: dict[int, Decimal] = {}
    for pk in ids:
        raw = quantities.get(pk, quantities.get(str(pk)))
        line = lines.get(pk)
        value = decimal_or_none(raw)
        if line is None:
            errors[f"lines[{pk}]"] = gettext(
                "Line %(line)s is not an order line waiting for %(item)s on a confirmed order."
            ) % {"line": pk, "item": item.number}
        elif value is None or value < 0 or value.as_tuple().exponent < -3:
            errors[f"lines[{pk}].quantity"] = gettext("Enter zero or more, up to 3 decimals.")
        elif value > line.deliver_remainder:
            errors[f"lines[{pk}].quantity"] = gettext(
                "Order line %(line)s waits for %(remainder)s only; %(quantity)s asked."
            ) % {"line": str(line.pk), "remainder": _fmt(line.deliver_remainder), "quantity": _fmt(value)}
        else:
            wanted[pk] = value
    if errors:
        raise ValidationFailed(field_errors=errors)
    locked = Item.objects.select_for_update().get(pk=item.pk)
    reserved = locked.reserved + sum((wanted[pk] - lines[pk].qty_reserved for pk in wanted), ZERO)
    if reserved > locked.on_hand:
        raise TransitionRefused(
            code=ErrorCode.STOCK_SHORT,
            reason=gettext(
                "%(on_hand)s %(unit)s of %(item)s are on hand; the split promises %(reserved)s. "
                "Lower a line to give its part to another."
            )
            % {
                "on_hand": _fmt(locked.on_hand),
                "unit": locked.unit,
                "item": locked.number,
                "reserved": _fmt(reserved),
            },
        )
    column_update(SalesOrderLine, "qty_reserved", wanted)
    Item.objects.filter(pk=item.pk).update(reserved=reserved)
    return wanted


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def order_reservations_take(order: SalesOrder) -> None:
    """A confirmed order's lines take their place in line for the stock of their items (one statement)."""
    if order.state == OrderState.CONFIRMED and policy_for(order.order_type).stock_direction == StockDirection.OUT:
        with connection.cursor() as cursor:
            cursor.execute(_FILL_ORDER, {"order": order.pk, "types": RESERVING_TYPES})

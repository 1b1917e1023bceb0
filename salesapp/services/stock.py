"""Stock moves: the only way on-hand changes (DESIGN.md §4.4).

Every move is booked with its item's cached ``on_hand`` (and, for a delivery drawing on its line's reservation,
``reserved``) in one statement per step: the items are locked in id order and updated only when what remains
covers what is still promised, so a refusal names the item and what was there, and nothing is written."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.money import ZERO, decimal_or_none
from salesapp.choices import ItemType, LineSupply, LineType, StockMoveKind
from salesapp.errors import ErrorCode
from salesapp.models import Item, SalesOrderLine, StockMove
from salesapp.services.reservations import reservations_fill, reservations_shrink

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REASON_LENGTH = StockMove._meta.get_field("reason").max_length


@dataclass(frozen=True)
class Move:
    item_id: int
    quantity: Decimal  # signed: positive in, negative out
    kind: str
    packing_slip_line_id: int | None = None
    supply_line_id: int | None = None
    reason: str = ""
    # The part of an outgoing quantity taken from its order line's reservation (the rest comes from free stock).
    reserved_used: Decimal = ZERO
    # Names the document line in a refusal ("Line 20: …").
    label: str = ""


def moves_stock(line: SalesOrderLine) -> bool:
    """Whether delivering ``line`` moves goods of the warehouse: catalogue products shipped from stock. Services,
    write-ins (a product not in the catalogue), comments and drop shipments (the vendor ships) do not."""
    return line.line_type == LineType.ITEM and line.supply != LineSupply.DROP_SHIPMENT


_ITEMS = Item._meta.db_table
# One statement per booking: lock the items in id order (every caller the same: no two bookings wait on each other
# crosswise), write both figures of those whose on-hand after the moves still covers what stays reserved, and
# insert the moves only when every item was written. No row back means an item was short; the caller's
# transaction (every caller runs in one) is then rolled back by the refusal.
_BOOK = f"""
WITH locked AS (
    SELECT id FROM {_ITEMS} WHERE id = ANY(%(ids)s) ORDER BY id FOR UPDATE
), written AS (
    UPDATE {_ITEMS} AS t SET on_hand = t.on_hand + v.on_hand, reserved = t.reserved + v.reserved
    FROM unnest(%(ids)s::bigint[], %(on_hand)s::numeric[], %(reserved)s::numeric[]) AS v(id, on_hand, reserved)
    WHERE t.id = v.id AND t.id IN (SELECT id FROM locked)
      AND t.on_hand + v.on_hand >= t.reserved + v.reserved AND t.reserved + v.reserved >= 0
    RETURNING t.id
)
INSERT INTO {StockMove._meta.db_table}
    (item_id, quantity, kind, packing_slip_line_id, supply_line_id, reason, moved_on, moved_at, created_by_id)
SELECT m.item_id, m.quantity, m.kind, m.slip_line, m.supply_line, m.reason, %(moved_on)s, %(moved_at)s, %(by)s
FROM unnest(%(items)s::bigint[], %(quantities)s::numeric[], %(kinds)s::varchar[], %(slip_lines)s::bigint[],
            %(supply_lines)s::bigint[], %(reasons)s::varchar[])
    AS m(item_id, quantity, kind, slip_line, supply_line, reason)
WHERE (SELECT count(*) FROM written) = %(item_count)s
RETURNING id
"""


def stock_moves_book(moves: list[Move], *, moved_on: datetime.date | None = None, by: User) -> list[int]:
    """Book ``moves`` and the items' on-hand (and reserved) figures in one statement, or refuse with the first
    item short. Returns the ids of the moves."""
    moves = [move for move in moves if move.quantity != 0]
    if not moves:
        return []
    on_hand: dict[int, Decimal] = {}
    reserved: dict[int, Decimal] = {}
    for move in moves:
        on_hand[move.item_id] = on_hand.get(move.item_id, ZERO) + move.quantity
        reserved[move.item_id] = reserved.get(move.item_id, ZERO) - move.reserved_used
    ids = sorted(on_hand)
    with connection.cursor() as cursor:
        cursor.execute(
            _BOOK,
            {
                "ids": ids,
                "on_hand": [on_hand[pk] for pk in ids],
                "reserved": [reserved[pk] for pk in ids],
                "item_count": len(ids),
                "items": [move.item_id for move in moves],
                "quantities": [move.quantity for move in moves],
                "kinds": [move.kind for move in moves],
                "slip_lines": [move.packing_slip_line_id for move in moves],
                "supply_lines": [move.supply_line_id for move in moves],
                "reasons": [move.reason for move in moves],
                "moved_on": moved_on or timezone.localdate(),
                "moved_at": timezone.now(),
                "by": by.pk,
            },
        )
        booked = [row[0] for row in cursor.fetchall()]
    if not booked:
        _refuse_short(ids, moves)
    return booked


def _refuse_short(item_ids: list[int], moves: list[Move]) -> None:
    """Say which item was short (the first in id order whose figures do not allow the moves)."""
    items = Item.objects.in_bulk(item_ids)
    item = next(
        items[pk]
        for pk in item_ids
        if items[pk].on_hand + sum((m.quantity for m in moves if m.item_id == pk), ZERO)
        < items[pk].reserved - sum((m.reserved_used for m in moves if m.item_id == pk), ZERO)
        or items[pk].reserved < sum((m.reserved_used for m in moves if m.item_id == pk), ZERO)
    )
    item_id = item.pk
    out = -sum((move.quantity for move in moves if move.item_id == item_id), ZERO)
    label = next((move.label for move in moves if move.item_id == item_id and move.label), "")
    usable = item.free + sum((move.reserved_used for move in moves if move.item_id == item_id), ZERO)
    shortage = gettext(
        "only %(usable)s %(unit)s of %(item)s can go: %(on_hand)s on hand, %(reserved)s of it promised to "
        "orders; %(quantity)s asked. Receive more, or have a manager re-allocate the stock between the orders."
    ) % {
        "usable": _fmt(max(usable, ZERO)),
        "unit": item.unit,
        "item": item.number,
        "on_hand": _fmt(item.on_hand),
        "reserved": _fmt(item.reserved),
        "quantity": _fmt(out),
    }
    # "Line 20: only 3 pcs …", or on its own "Only 3 pcs …".
    reason = f"{label}: {shortage}" if label else shortage[:1].upper() + shortage[1:]
    raise TransitionRefused(code=ErrorCode.STOCK_SHORT, reason=reason)


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


@transaction.atomic
def stock_adjust(*, item: Item, quantity, reason: str, by: User) -> StockMove:
    """A manager's correction of on-hand (a count, damage, opening stock), with the reason on the move. A cut
    below what is promised to orders takes the promise back from the last orders in line first."""
    if not by.has_perm("salesapp.add_stockmove"):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("Your role does not allow adjusting stock.")
        )
    errors = {}
    value = decimal_or_none(quantity)
    if value is None or value == 0 or value.as_tuple().exponent < -3:
        errors["quantity"] = gettext("Enter the quantity to add (or, below zero, to take off), up to 3 decimals.")
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = gettext("Say why the stock changes (a count, damage, opening stock …).")
    elif len(reason) > REASON_LENGTH:
        errors["reason"] = gettext("Enter at most %(max)s characters.") % {"max": REASON_LENGTH}
    if item.item_type != ItemType.STOCKED:
        errors["item"] = gettext("%(item)s is a service: it has no stock.") % {"item": item.number}
    if errors:
        raise ValidationFailed(field_errors=errors)
    if value < 0:
        # What leaves must be on hand; promises it breaks go, last in line first.
        reservations_shrink(item_id=item.pk, change=value)
    (move_id,) = stock_moves_book(
        [Move(item_id=item.pk, quantity=value, kind=StockMoveKind.ADJUSTMENT, reason=reason)], by=by
    )
    if value > 0:
        reservations_fill([item.pk])
    return StockMove.objects.get(pk=move_id)

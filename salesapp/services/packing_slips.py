from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.bulk import column_update, columns_update, rows_insert
from core.dates import date_in_window, date_window_message
from core.errors import TransitionRefused, ValidationFailed
from core.events import event_record
from core.loaded import loaded_set
from core.money import ZERO
from core.numbering import number_take
from core.transitions import transition_run, transition_save, transitions_saved
from salesapp import events
from salesapp.choices import LineSupply, PackingSlipState, ReturnDisposition, StockMoveKind, SupplyState
from salesapp.errors import ErrorCode
from salesapp.lock_objects import (
    lock_order,
    lock_order_lines,
    lock_packing_slip,
    lock_packing_slip_lines,
    lock_returned_lines,
)
from salesapp.models import InboundSupplyLine, PackingSlip, PackingSlipLine, SalesOrder, SalesOrderLine
from salesapp.order_types import order_type_refusal, policy_for
from salesapp.services.orders import order_status_follow
from salesapp.services.reservations import reservations_fill, reservations_shrink
from salesapp.services.shipping_notices import shipping_notice_queue
from salesapp.services.stock import Move, moves_stock, stock_moves_book

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def _ensure_deliverable(order: SalesOrder) -> None:
    reason = order.refusal_reason("deliver")
    if reason is None:
        policy = policy_for(order.order_type)
        reason = order_type_refusal(order.order_type)
        if reason is None and not policy.deliverable:
            reason = gettext("Orders of type %(type)s are not delivered.") % {"type": policy.label}
    if reason:
        raise TransitionRefused(code=ErrorCode.ORDER_NOT_DELIVERABLE, reason=reason)


@transaction.atomic
def packing_slip_create(
    *,
    order: SalesOrder,
    quantities: dict[int, Decimal] | None = None,
    ship_date: datetime.date | None = None,
    dispositions: dict[int, str] | None = None,
    by: User,
) -> PackingSlip:
    """A draft delivery for an order: ``quantities`` per order line id, or every deliver remainder. For a
    returned order the slip is a return receipt, and ``dispositions`` (per order line id, default back to
    stock) say what happens to the goods."""
    order = lock_order(order.pk, with_customer=False)
    lines = lock_order_lines(order, related=())
    _ensure_deliverable(order)
    if quantities is None:
        quantities = {line_id: line.deliver_remainder for line_id, line in lines.items()}
    dispositions = _dispositions(order, lines, dispositions or {})
    if ship_date is not None and not date_in_window(ship_date):
        raise ValidationFailed(field_errors={"ship_date": date_window_message()})
    # Three kinds of wrong input, each with its own code: a line of another order, a quantity that is no
    # quantity (below zero; zero means "not this line now"), and more than is left to deliver.
    unknown, invalid, over = {}, {}, {}
    for line_id, quantity in quantities.items():
        line = lines.get(int(line_id))
        if line is None:
            unknown[f"lines[{line_id}]"] = gettext("Line %(line)s is not a line of order %(number)s.") % {
                "line": line_id,
                "number": order.number,
            }
        elif quantity < 0:
            invalid[f"lines[{line.line_no}].quantity"] = gettext(
                "Enter zero or more to ship for line %(line_no)s; %(quantity)s is below zero."
            ) % {"line_no": line.line_no, "quantity": _fmt(quantity)}
        elif quantity > line.deliver_remainder:
            over[f"lines[{line.line_no}].quantity"] = gettext(
                "Only %(remainder)s %(unit)s of %(item)s left to deliver; %(quantity)s asked."
            ) % {
                "remainder": _fmt(line.deliver_remainder),
                "unit": line.unit,
                "item": line.item.number,
                "quantity": _fmt(quantity),
            }
    for code, errors in (
        (ErrorCode.PACKING_SLIP_LINE_UNKNOWN, unknown),
        (ErrorCode.PACKING_SLIP_QUANTITY_INVALID, invalid),
        (ErrorCode.OVER_DELIVERY, over),
    ):
        if errors:
            raise ValidationFailed(code=code, field_errors=errors)
    if not any(quantity > 0 for quantity in quantities.values()):
        raise ValidationFailed(field_errors={"lines": gettext("Enter a quantity to deliver on at least one line.")})
    (slip,) = rows_insert([PackingSlip(order=order, ship_date=ship_date or timezone.localdate(), created_by=by)])
    rows_insert(
        [
            PackingSlipLine(
                packing_slip=slip,
                order_line_id=int(line_id),
                quantity=quantity,
                disposition=dispositions.get(int(line_id), ""),
            )
            for line_id, quantity in quantities.items()
            if quantity > 0
        ]
    )
    return slip


def _dispositions(order: SalesOrder, lines: dict[int, SalesOrderLine], given: dict[int, str]) -> dict[int, str]:
    """Per order line, what happens to returned goods: a return receipt's lines go back to stock unless told
    otherwise; a delivery has none, and one given for it is refused rather than ignored."""
    if not policy_for(order.order_type).receives:
        if any(given.values()):
            raise ValidationFailed(
                field_errors={"dispositions": gettext("Only a return receipt says what happens to the goods.")}
            )
        return {}
    errors = {}
    for line_id, value in given.items():
        line = lines.get(int(line_id))
        if value and value not in ReturnDisposition.values:
            key = f"lines[{line.line_no}].disposition" if line else f"lines[{line_id}].disposition"
            errors[key] = gettext("Choose %(choices)s, not '%(value)s'.") % {
                "choices": ", ".join(f"'{choice}'" for choice in ReturnDisposition.values),
                "value": value,
            }
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {
        line_id: given.get(line_id) or given.get(str(line_id)) or ReturnDisposition.BACK_TO_STOCK for line_id in lines
    }


@transaction.atomic
def packing_slip_post(
    *, packing_slip: PackingSlip, by: User, check_permission: bool = True, notify_customer: bool = True
) -> PackingSlip:
    """Post a delivery: number it, book delivered quantities, let the order follow and queue the customer's
    shipping notice (``notify_customer=False``: the caller tells the customer itself).

    ``check_permission=False`` only when the delivery is implied by an action the caller already
    authorized (posting an invoice on basis "order" ships what is left)."""
    order = lock_order(packing_slip.order_id, with_customer=False)
    lines = lock_order_lines(order, related=())
    slip = lock_packing_slip(packing_slip.pk)
    slip.order = order  # the locked order: the post transition's conditions read it
    if slip.state != PackingSlipState.DRAFT:
        raise TransitionRefused(
            code=ErrorCode.PACKING_SLIP_POSTED,
            reason=gettext("Packing slip %(number)s is already posted.") % {"number": slip.number},
        )
    _ensure_deliverable(order)
    all_slip_lines = lock_packing_slip_lines(slip)
    slip_lines = [slip_line for slip_line in all_slip_lines if slip_line.quantity > 0]
    if not slip_lines:
        raise TransitionRefused(
            code=ErrorCode.PACKING_SLIP_EMPTY, reason=gettext("The packing slip has no quantity to deliver.")
        )
    for slip_line in slip_lines:
        line = lines[slip_line.order_line_id]
        if slip_line.quantity > line.deliver_remainder:
            raise TransitionRefused(
                code=ErrorCode.OVER_DELIVERY,
                reason=gettext(
                    "Line %(line_no)s (%(item)s): %(quantity)s on the slip but only "
                    "%(remainder)s left to deliver. Lower the quantity."
                )
                % {
                    "line_no": line.line_no,
                    "item": line.item.number,
                    "quantity": _fmt(slip_line.quantity),
                    "remainder": _fmt(line.deliver_remainder),
                },
            )
        line.qty_delivered += slip_line.quantity
    if len(slip_lines) < len(all_slip_lines):
        # Lines left at zero are not part of the delivery.
        PackingSlipLine.objects.filter(packing_slip=slip, quantity=ZERO).delete()
        loaded_set(slip, "lines", slip_lines)
    policy = policy_for(order.order_type)
    moves = _stock_moves(lines, slip_lines, receives=policy.receives)
    columns_update(
        SalesOrderLine,
        ("qty_delivered", "qty_reserved"),
        {
            s.order_line_id: (lines[s.order_line_id].qty_delivered, lines[s.order_line_id].qty_reserved)
            for s in slip_lines
        },
    )
    stock_moves_book(moves, moved_on=slip.ship_date, by=by)
    if policy.receives:
        _returned_book(lines, slip_lines)
        # Goods back on the shelf go to the orders waiting for them.
        reservations_fill(move.item_id for move in moves)
    # The number is taken last (lock order); a refusal below rolls it back, so the series stays gapless.
    with transitions_saved(slip):
        transition_run(
            slip.post,
            by=by,
            check_permission=check_permission,
            number=number_take(code=policy.slip_series),
        )
        event_record(type=events.PACKING_SLIP_POSTED, subject=slip, by=by, data=events.packing_slip_data(slip))
    order_status_follow(order=order, by=by)
    if notify_customer and not policy.receives:
        # The customer hears of it by email once the delivery is committed (the job runs after the commit).
        shipping_notice_queue(slip=slip, by=by)
    return slip


def _stock_moves(lines: dict[int, SalesOrderLine], slip_lines: list[PackingSlipLine], *, receives: bool) -> list[Move]:
    """What a posted slip moves: a delivery takes its stocked lines out, first from what each line has reserved;
    a return receipt puts back what goes back to stock (scrapped goods never reach the shelf: no move)."""
    moves = []
    for slip_line in slip_lines:
        line = lines[slip_line.order_line_id]
        if not moves_stock(line):
            continue
        if receives:
            if slip_line.disposition != ReturnDisposition.SCRAP:
                moves.append(
                    Move(
                        item_id=line.item_id,
                        quantity=slip_line.quantity,
                        kind=StockMoveKind.RETURN_RECEIPT,
                        packing_slip_line_id=slip_line.pk,
                    )
                )
            continue
        used = min(slip_line.quantity, line.qty_reserved)
        line.qty_reserved -= used
        moves.append(
            Move(
                item_id=line.item_id,
                quantity=-slip_line.quantity,
                kind=StockMoveKind.DELIVERY,
                packing_slip_line_id=slip_line.pk,
                reserved_used=used,
                label=gettext("Line %(line_no)s") % {"line_no": line.line_no},
            )
        )
    return moves


def _received_by_origin(lines: dict[int, SalesOrderLine], slip_lines: list[PackingSlipLine]) -> dict[int, Decimal]:
    """Per line of the customer's order that goods came back from: the quantity on this return receipt."""
    received: dict[int, Decimal] = {}
    for slip_line in slip_lines:
        origin_id = lines[slip_line.order_line_id].returned_line_id
        if origin_id:
            received[origin_id] = received.get(origin_id, ZERO) + slip_line.quantity
    return received


def _returned_book(lines: dict[int, SalesOrderLine], slip_lines: list[PackingSlipLine]) -> None:
    """A return receipt's quantities are returned on the lines of the customer's order they came from (the
    ledger's ``returned`` column): never more than was delivered there and not yet received back."""
    received = _received_by_origin(lines, slip_lines)
    if not received:
        return
    origins = lock_returned_lines(received)
    for origin_id, quantity in received.items():
        origin = origins[origin_id]
        if quantity > origin.kept:
            raise TransitionRefused(
                code=ErrorCode.OVER_RETURNED,
                reason=gettext(
                    "Only %(kept)s %(unit)s of %(item)s delivered on order %(number)s are not back yet; "
                    "%(quantity)s received. Lower the quantity."
                )
                % {
                    "kept": _fmt(origin.kept),
                    "unit": origin.unit,
                    "item": origin.item.number,
                    "number": origin.order.number,
                    "quantity": _fmt(quantity),
                },
            )
        origin.qty_returned += quantity
    column_update(SalesOrderLine, "qty_returned", {pk: origins[pk].qty_returned for pk in received})


CANCEL_REASON_LENGTH = PackingSlip._meta.get_field("cancel_reason").max_length


@transaction.atomic
def packing_slip_cancel(*, packing_slip: PackingSlip, reason: str, by: User) -> PackingSlip:
    """Undo a posted delivery that is not invoiced: its stock moves are reversed, the order lines get their
    quantities back and the order follows (a delivered order is confirmed again). The goods a delivery brings
    back go to the lines waiting for them, this order's first when it is first in line. A return receipt takes
    back what it put on the shelf (refused when those goods have left again) and what it returned on the
    customer's order lines."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": gettext("Say why the packing slip is canceled.")})
    if len(reason) > CANCEL_REASON_LENGTH:
        raise ValidationFailed(
            field_errors={"reason": gettext("Enter at most %(max)s characters.") % {"max": CANCEL_REASON_LENGTH}}
        )
    order = lock_order(packing_slip.order_id, with_customer=False)
    lines = lock_order_lines(order, related=())
    receives = policy_for(order.order_type).receives
    # Locked before the slip, as the lock order has it (order → lines → inbound supply line → packing slip).
    drop_supplies = {} if receives else _drop_shipment_supplies_lock(lines)
    slip = lock_packing_slip(packing_slip.pk)
    slip.order = order  # the cancel transition's conditions read the locked order
    slip_lines = lock_packing_slip_lines(slip)
    # Permission, state and the conditions (nothing invoiced) first: a refusal has changed nothing.
    transition_run(slip.cancel, by=by, description=reason)
    for slip_line in slip_lines:
        lines[slip_line.order_line_id].qty_delivered -= slip_line.quantity
    moves = _reversing_moves(lines, slip_lines, receives=receives)
    columns_update(
        SalesOrderLine,
        ("qty_delivered", "qty_reserved"),
        {
            s.order_line_id: (lines[s.order_line_id].qty_delivered, lines[s.order_line_id].qty_reserved)
            for s in slip_lines
        },
    )
    if receives:
        # What leaves the shelf again is taken back from the orders it was promised to, last in line first.
        for item_id, quantity in _by_item(moves).items():
            reservations_shrink(item_id=item_id, change=quantity)
    stock_moves_book(moves, by=by)
    if receives:
        _returned_unbook(lines, slip_lines)
    _drop_shipment_receipts_undo(drop_supplies, slip_lines, by=by)
    transition_save(slip)
    # The order is confirmed again before the goods are handed out, so its own lines are in line for them.
    order_status_follow(order=order, by=by)
    if not receives:
        reservations_fill(move.item_id for move in moves)
    return slip


def _drop_shipment_supplies_lock(lines: dict[int, SalesOrderLine]) -> dict[int, InboundSupplyLine]:
    """The supply lines of the order's drop-shipped lines, locked, by order line id."""
    drop_lines = [pk for pk, line in lines.items() if line.supply == LineSupply.DROP_SHIPMENT]
    if not drop_lines:
        return {}
    supplies = InboundSupplyLine.objects.select_for_update().filter(order_line_id__in=drop_lines).order_by("pk")
    return {supply.order_line_id: supply for supply in supplies}


def _drop_shipment_receipts_undo(
    supplies: dict[int, InboundSupplyLine], slip_lines: list[PackingSlipLine], *, by: User
) -> None:
    """A drop shipment's delivery is its vendor's receipt: canceling the delivery takes the receipt back, so the
    line's goods are expected from the vendor again (and received again when they do come)."""
    for slip_line in slip_lines:
        supply = supplies.get(slip_line.order_line_id)
        if supply is None:
            continue
        supply.qty_received = max(supply.qty_received - slip_line.quantity, ZERO)
        supply.save(update_fields=["qty_received", "updated_at"])
        if supply.state == SupplyState.RECEIVED and not supply.all_received():
            transition_run(supply.reopen, by=by, check_permission=False)
            transition_save(supply)


def _by_item(moves: list[Move]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for move in moves:
        totals[move.item_id] = totals.get(move.item_id, ZERO) + move.quantity
    return totals


def _reversing_moves(
    lines: dict[int, SalesOrderLine], slip_lines: list[PackingSlipLine], *, receives: bool
) -> list[Move]:
    """The opposite of what posting the slip moved (``_stock_moves``): a delivery's goods come back, a return
    receipt's restocked goods leave again. Goods bought for a special-order line come back reserved for it (the
    general fill leaves such lines out); any other line takes its place in line again."""
    moves = []
    for slip_line in slip_lines:
        line = lines[slip_line.order_line_id]
        if not moves_stock(line) or (receives and slip_line.disposition == ReturnDisposition.SCRAP):
            continue
        reserved_again = ZERO
        if not receives and line.supply == LineSupply.SPECIAL_ORDER:
            reserved_again = slip_line.quantity
            line.qty_reserved += reserved_again
        moves.append(
            Move(
                item_id=line.item_id,
                quantity=-slip_line.quantity if receives else slip_line.quantity,
                kind=StockMoveKind.DELIVERY_CANCELED,
                packing_slip_line_id=slip_line.pk,
                reserved_used=-reserved_again,  # (the item's reserved figure grows with the line's)
                label=gettext("Line %(line_no)s") % {"line_no": line.line_no},
            )
        )
    return moves


def _returned_unbook(lines: dict[int, SalesOrderLine], slip_lines: list[PackingSlipLine]) -> None:
    """A canceled return receipt's quantities are no longer returned on the customer's order lines."""
    received = _received_by_origin(lines, slip_lines)
    if not received:
        return
    origins = lock_returned_lines(received)
    column_update(SalesOrderLine, "qty_returned", {pk: origins[pk].qty_returned - received[pk] for pk in received})


@transaction.atomic
def packing_slip_delete(*, packing_slip: PackingSlip, by: User) -> None:
    slip = lock_packing_slip(packing_slip.pk)
    if slip.state != PackingSlipState.DRAFT:
        raise TransitionRefused(
            code=ErrorCode.PACKING_SLIP_POSTED,
            reason=gettext("Packing slip %(number)s is posted and cannot be deleted.") % {"number": slip.number},
        )
    slip.delete()


@transaction.atomic
def order_deliver_remainder(
    *,
    order: SalesOrder,
    ship_date: datetime.date | None = None,
    by: User,
    check_permission: bool = True,
    notify_customer: bool = True,
):
    """Deliver everything still to deliver in one posted packing slip ("ship and invoice")."""
    lines = lock_order_lines(lock_order(order.pk, with_customer=False), related=())
    if all(line.deliver_remainder <= 0 for line in lines.values()):
        return None
    slip = packing_slip_create(order=order, ship_date=ship_date, by=by)
    return packing_slip_post(
        packing_slip=slip, by=by, check_permission=check_permission, notify_customer=notify_customer
    )

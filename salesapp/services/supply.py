"""Inbound supply (DESIGN.md §4.4): open purchase lines from vendors, entered by a manager or the purchasing
system, and their receipt into stock.

Receiving books a supply receipt move (``salesapp.services.stock``, the only writer of on-hand) and then gives the
new stock to the order lines waiting for it, first in line first. A line bought for one order line (drop shipment,
special order) is received by the fulfilment of that order line, not here."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.dates import date_in_window, date_window_message
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.money import MAX_QUANTITY, decimal_or_none
from core.numbering import number_take
from core.transitions import transition_run, transition_save
from marketing.models import Party
from salesapp.choices import ItemType, StockMoveKind, SupplyState
from salesapp.errors import ErrorCode
from salesapp.lock_objects import lock_supply_line
from salesapp.models import InboundSupplyLine, Item
from salesapp.services.reservations import reservations_fill
from salesapp.services.stock import Move, stock_moves_book

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REFERENCE_LENGTH = InboundSupplyLine._meta.get_field("reference").max_length


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def _allowed(by: User, perm: str, reason: str) -> None:
    if not by.has_perm(perm):
        raise ActionForbidden(code=CoreErrorCode.PERMISSION_DENIED, reason=reason)


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def quantity_error(value) -> str | None:
    """What is wrong with a typed quantity (more than zero, up to 3 decimals), or None."""
    number = decimal_or_none(value)
    if number is None or number <= 0 or number.as_tuple().exponent < -3:
        return gettext("Enter a quantity greater than zero, with at most 3 decimals.")
    if number > MAX_QUANTITY:
        return gettext("Quantity cannot be more than %(max)s.") % {"max": f"{MAX_QUANTITY:f}"}
    return None


def supply_line_errors(
    *, vendor: Party | None, item: Item | None, quantity, expected_date: datetime.date | None, reference: str
) -> dict[str, str]:
    """Every field that is wrong on a supply line as typed, by name (the CSV import judges rows by it too)."""
    errors: dict[str, str] = {}
    if vendor is None:
        errors["vendor"] = gettext("Choose the vendor (a party) that delivers the goods.")
    if item is None:
        errors["item"] = gettext("Choose the item that comes in.")
    elif item.item_type != ItemType.STOCKED:
        errors["item"] = gettext("%(item)s is a service: only stocked items come in as supply.") % {"item": item.number}
    elif not item.active:
        errors["item"] = gettext("Item %(number)s is inactive.") % {"number": item.number}
    problem = quantity_error(quantity)
    if problem:
        errors["quantity"] = problem
    if expected_date is None:
        errors["expected_date"] = gettext("Enter the date the vendor is expected to deliver.")
    elif not date_in_window(expected_date):
        errors["expected_date"] = date_window_message()
    if len(reference or "") > REFERENCE_LENGTH:
        errors["reference"] = gettext("Enter at most %(max)s characters.") % {"max": REFERENCE_LENGTH}
    return errors


@transaction.atomic
def supply_line_create(
    *,
    vendor: Party | None,
    item: Item | None,
    quantity,
    expected_date: datetime.date | None,
    reference: str = "",
    by: User,
) -> InboundSupplyLine:
    _allowed(by, "salesapp.add_inboundsupplyline", gettext("Your role does not allow entering inbound supply."))
    reference = (reference or "").strip()
    errors = supply_line_errors(
        vendor=vendor, item=item, quantity=quantity, expected_date=expected_date, reference=reference
    )
    if errors:
        raise ValidationFailed(field_errors=errors)
    return InboundSupplyLine.objects.create(
        # Numbered at once: a supply line is official when entered (the vendor's confirmation quotes it).
        number=number_take(code="supply"),
        vendor=vendor,
        item=item,
        quantity=decimal_or_none(quantity),
        expected_date=expected_date,
        reference=reference,
        created_by=by,
    )


def _refuse_unless_open(line: InboundSupplyLine, code: str, reason: str) -> None:
    if line.state != SupplyState.OPEN:
        raise TransitionRefused(
            code=code,
            reason=reason % {"number": line.number, "state": SupplyState(line.state).label.lower()},
        )


@transaction.atomic
def supply_line_update(
    *,
    supply_line: InboundSupplyLine,
    vendor: Party | None = UNCHANGED,
    item: Item | None = UNCHANGED,
    quantity=UNCHANGED,
    expected_date: datetime.date | None = UNCHANGED,
    reference: str = UNCHANGED,
    by: User,
) -> InboundSupplyLine:
    """Change an open line: a later date, more or less to come (never less than came in already)."""
    _allowed(by, "salesapp.change_inboundsupplyline", gettext("Your role does not allow changing inbound supply."))
    line = lock_supply_line(supply_line.pk)
    _refuse_unless_open(
        line, ErrorCode.SUPPLY_LINE_NOT_EDITABLE, gettext("Supply line %(number)s is %(state)s: it cannot change.")
    )
    values = {
        "vendor": line.vendor if vendor is UNCHANGED else vendor,
        "item": line.item if item is UNCHANGED else item,
        "quantity": line.quantity if quantity is UNCHANGED else quantity,
        "expected_date": line.expected_date if expected_date is UNCHANGED else expected_date,
        "reference": line.reference if reference is UNCHANGED else (reference or "").strip(),
    }
    errors = supply_line_errors(**values)
    new_quantity = decimal_or_none(values["quantity"])
    if "quantity" not in errors and new_quantity < line.qty_received:
        errors["quantity"] = gettext("%(received)s came in already: the quantity cannot be less.") % {
            "received": _fmt(line.qty_received)
        }
    if values["item"] is not None and values["item"].pk != line.item_id and "item" not in errors:
        if line.qty_received:
            errors["item"] = gettext("Goods of this line came in already: the item cannot change.")
        elif line.order_line_id:
            errors["item"] = gettext("The line is bought for an order line: the item is that line's.")
    if errors:
        raise ValidationFailed(field_errors=errors)
    for name, value in values.items():
        setattr(line, name, new_quantity if name == "quantity" else value)
    line.save(update_fields=[*values, "updated_at"])
    return line


@transaction.atomic
def supply_line_cancel(*, supply_line: InboundSupplyLine, by: User) -> InboundSupplyLine:
    """The rest will not come. Nothing received: the line is canceled. Part received: it is short-closed, closed
    as received with the quantity that came in."""
    _allowed(by, "salesapp.change_inboundsupplyline", gettext("Your role does not allow canceling inbound supply."))
    line = lock_supply_line(supply_line.pk)
    _refuse_unless_open(
        line,
        ErrorCode.SUPPLY_LINE_NOT_CANCELABLE,
        gettext("Supply line %(number)s is %(state)s already: it cannot be canceled."),
    )
    transition_run(line.short_close if line.qty_received else line.cancel, by=by)
    transition_save(line)
    return line


def supply_line_cancel_message(line: InboundSupplyLine, ordered: Decimal) -> str:
    """What a cancel did, for the page and the admin: canceled, or short-closed at what came in."""
    if line.state == SupplyState.CANCELED:
        return gettext("Supply line %(number)s is canceled.") % {"number": line.number}
    return gettext(
        "Supply line %(number)s is short-closed: %(received)s of %(ordered)s came in, the rest will not come."
    ) % {"number": line.number, "received": _fmt(line.qty_received), "ordered": _fmt(ordered)}


@transaction.atomic
def supply_line_receive(
    *, supply_line: InboundSupplyLine, quantity, received_on: datetime.date | None = None, by: User
) -> InboundSupplyLine:
    """Goods of an open line came in: they go on hand (a supply receipt move dated ``received_on``, today by
    default) and to the orders waiting for the item, first in line first. The line is received when all came."""
    _allowed(by, "salesapp.receive_inboundsupplyline", gettext("Your role does not allow receiving inbound supply."))
    line = lock_supply_line(supply_line.pk)
    _refuse_unless_open(
        line,
        ErrorCode.SUPPLY_LINE_NOT_RECEIVABLE,
        gettext("Supply line %(number)s is %(state)s: nothing more can be received on it."),
    )
    if line.order_line_id:
        raise TransitionRefused(
            code=ErrorCode.SUPPLY_LINE_FOR_ORDER,
            reason=gettext(
                "Supply line %(number)s is bought for one order line (drop shipment or special order): it is "
                "received with that order's fulfilment, not into stock."
            )
            % {"number": line.number},
        )
    errors = {}
    problem = quantity_error(quantity)
    if problem:
        errors["quantity"] = problem
    received_on = received_on or timezone.localdate()
    if not date_in_window(received_on):
        errors["received_on"] = date_window_message()
    if errors:
        raise ValidationFailed(field_errors=errors)
    value = decimal_or_none(quantity)
    if value > line.remaining:
        raise TransitionRefused(
            code=ErrorCode.SUPPLY_OVER_RECEIPT,
            reason=gettext(
                "Only %(open)s %(unit)s of supply line %(number)s is still to come; %(quantity)s cannot be received."
            )
            % {"open": _fmt(line.remaining), "unit": line.item.unit, "number": line.number, "quantity": _fmt(value)},
        )
    stock_moves_book(
        [Move(item_id=line.item_id, quantity=value, kind=StockMoveKind.SUPPLY_RECEIPT, supply_line_id=line.pk)],
        moved_on=received_on,
        by=by,
    )
    line.qty_received += value
    line.save(update_fields=["qty_received", "updated_at"])
    if line.all_received():
        transition_run(line.mark_received, by=by, check_permission=False)
        transition_save(line)
    reservations_fill([line.item_id])
    return line

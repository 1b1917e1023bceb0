"""Closing the undelivered remainder of a confirmed order short (DESIGN.md §4.3: ``closed_short``).

A customer who no longer wants the rest, an item that will not come: the remainder is closed with a reason instead
of staying a backorder for ever. Closing books ``qty_closed_short`` on the line ledger, so the order reaches
delivered (and invoiced, when what was delivered is invoiced) by the ledger rule alone, like after a delivery.
An order with nothing delivered at all is canceled instead: closing all of it short would call it delivered."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.bulk import columns_update
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from marketing.choices import ActivityType
from marketing.services.activities import activity_create
from salesapp.choices import OrderState
from salesapp.errors import ErrorCode
from salesapp.lock_objects import lock_order, lock_order_lines
from salesapp.models import SalesOrder, SalesOrderLine
from salesapp.services.orders import order_status_follow
from salesapp.services.reservations import reservations_give_back, reserved_cut

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CLOSE_REMAINDER_PERMISSION = "salesapp.close_remainder_salesorder"
REASON_LENGTH = SalesOrderLine._meta.get_field("close_short_reason").max_length


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _checked(order: SalesOrder, reason: str, *, by: User) -> str:
    if not by.has_perm(CLOSE_REMAINDER_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED,
            reason=gettext("Your role does not allow closing the remainder of an order."),
        )
    if order.state != OrderState.CONFIRMED:
        raise TransitionRefused(
            code=ErrorCode.ORDER_REMAINDER_NOT_CLOSABLE,
            reason=gettext(
                "Order %(number)s is %(state)s: only a confirmed order has a remainder to close. "
                "An open order's lines can be changed or removed instead."
            )
            % {"number": order.number, "state": order.get_state_display().lower()},
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field_errors={"reason": gettext("Say why the remainder is closed.")})
    if len(reason) > REASON_LENGTH:
        raise ValidationFailed(
            field_errors={"reason": gettext("Enter at most %(max)s characters.") % {"max": REASON_LENGTH}}
        )
    return reason


def _close(order: SalesOrder, lines: list[SalesOrderLine], reason: str, *, by: User) -> SalesOrder:
    for line in lines:
        line.qty_closed_short += line.deliver_remainder
        line.close_short_reason = reason
    # The stock promised to what will not be delivered goes to the next order in line.
    given_back = reserved_cut(lines)
    columns_update(
        SalesOrderLine,
        ("qty_closed_short", "close_short_reason", "qty_reserved"),
        {line.pk: (line.qty_closed_short, reason, line.qty_reserved) for line in lines},
    )
    reservations_give_back(given_back)
    closed = ", ".join(
        gettext("line %(line_no)s: %(quantity)s %(unit)s")
        % {"line_no": line.line_no, "quantity": _quantity(line.qty_closed_short), "unit": line.unit}
        for line in lines
    )
    activity_create(
        by=by,
        activity_type=ActivityType.TASK,
        subject=gettext("Remainder of order %(number)s closed (%(lines)s): %(reason)s")
        % {"number": order.number, "lines": closed, "reason": reason},
        party=order.customer.party,
        campaign=order.campaign,
        document=order,
        done=True,
    )
    return order_status_follow(order=order, by=by)


@transaction.atomic
def order_line_remainder_close(*, order_line: SalesOrderLine, reason: str, by: User) -> SalesOrder:
    """Close one line's undelivered remainder with ``reason``; the order follows the ledger."""
    order = lock_order(order_line.order_id)
    lines = lock_order_lines(order, related=())
    reason = _checked(order, reason, by=by)
    line = lines.get(order_line.pk)
    if line is None or line.deliver_remainder <= 0:
        raise TransitionRefused(
            code=ErrorCode.ORDER_REMAINDER_NOT_CLOSABLE,
            reason=gettext("Line %(line_no)s of order %(number)s has nothing left to deliver.")
            % {"line_no": order_line.line_no, "number": order.number},
        )
    others_done = all(other.deliver_remainder <= 0 for other in lines.values() if other.pk != line.pk)
    if others_done and order.nothing_delivered():
        raise TransitionRefused(
            code=ErrorCode.ORDER_REMAINDER_NOT_CLOSABLE,
            reason=gettext(
                "Line %(line_no)s is the last one left to deliver and nothing of order %(number)s is delivered: "
                "cancel the order instead."
            )
            % {"line_no": line.line_no, "number": order.number},
        )
    return _close(order, [line], reason, by=by)


@transaction.atomic
def order_remainder_close(*, order: SalesOrder, reason: str, by: User) -> SalesOrder:
    """Close the undelivered remainder of every line of a partly delivered order with ``reason``."""
    order = lock_order(order.pk)
    lines = lock_order_lines(order, related=())
    reason = _checked(order, reason, by=by)
    if order.nothing_delivered():
        raise TransitionRefused(
            code=ErrorCode.ORDER_REMAINDER_NOT_CLOSABLE,
            reason=gettext("Nothing of order %(number)s is delivered yet: cancel the order instead.")
            % {"number": order.number},
        )
    open_lines = [line for line in lines.values() if line.deliver_remainder > 0]
    if not open_lines:
        raise TransitionRefused(
            code=ErrorCode.ORDER_REMAINDER_NOT_CLOSABLE,
            reason=gettext("Order %(number)s has nothing left to deliver.") % {"number": order.number},
        )
    return _close(order, open_lines, reason, by=by)

"""Drop shipments and special orders: an order line bought from a vendor for this order (DESIGN.md §4.4).

A drop shipment is delivered by the vendor to the customer: receiving the vendor's line posts the delivery of the
order line, and no goods pass through the warehouse. A special order is bought for the line: its receipt comes
into stock and is reserved for that line at once, out of reach of the other orders waiting for the item.

Lock order (DESIGN.md §2.4): order → lines → inbound supply line → packing slip → items → number series."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from core.dates import date_in_window, date_window_message
from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.errors import ErrorCode as CoreErrorCode
from core.money import ZERO, decimal_or_none
from core.numbering import number_take
from core.transitions import transition_run, transition_save
from marketing.models import Party
from salesapp.choices import ItemType, LineSupply, LineType, OrderState, PackingSlipState, StockMoveKind, SupplyState
from salesapp.errors import ErrorCode
from salesapp.lock_objects import lock_order, lock_order_lines
from salesapp.models import InboundSupplyLine, Item, PackingSlipLine, SalesOrderLine
from salesapp.services.packing_slips import packing_slip_create, packing_slip_post
from salesapp.services.reservations import reservations_give_back, reserved_cut
from salesapp.services.stock import Move, stock_moves_book
from salesapp.services.supply import supply_line_receive

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SET_PERMISSION = "salesapp.add_inboundsupplyline"
RECEIVE_PERMISSION = "salesapp.receive_inboundsupplyline"
BOUGHT_FOR_THE_LINE = (LineSupply.DROP_SHIPMENT, LineSupply.SPECIAL_ORDER)
REFERENCE_LENGTH = InboundSupplyLine._meta.get_field("reference").max_length


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def line_supply_refusal(line: SalesOrderLine) -> str | None:
    """Why ``line`` (of its loaded order) cannot be ordered from a vendor now, or None."""
    order = line.order
    if order.state != OrderState.CONFIRMED:
        return gettext(
            "Order %(number)s is %(state)s: a line is ordered from a vendor while the order is confirmed."
        ) % {
            "number": order.number,
            "state": order.get_state_display().lower(),
        }
    if line.line_type != LineType.ITEM or line.item.item_type != ItemType.STOCKED:
        return gettext("Line %(line_no)s ships no stocked product: there is nothing to order from a vendor.") % {
            "line_no": line.line_no
        }
    if line.supply != LineSupply.STOCK:
        return gettext("Line %(line_no)s is already a %(supply)s.") % {
            "line_no": line.line_no,
            "supply": line.get_supply_display().lower(),
        }
    if line.qty_delivered > 0:
        return gettext(
            "Line %(line_no)s has %(quantity)s delivered from stock already: close the remainder and add a line "
            "for what the vendor supplies."
        ) % {"line_no": line.line_no, "quantity": _fmt(line.qty_delivered)}
    if line.deliver_remainder <= 0:
        return gettext("Line %(line_no)s has nothing left to deliver.") % {"line_no": line.line_no}
    return None


@transaction.atomic
def order_line_supply_set(
    *,
    order_line: SalesOrderLine,
    supply: str,
    vendor: Party | None,
    expected_date: datetime.date | None,
    reference: str = "",
    by: User,
) -> InboundSupplyLine:
    """Order a confirmed order line's remainder from ``vendor`` as a drop shipment or a special order: the line
    gives back what it had reserved (to the next in line) and gets its own inbound supply line."""
    if not by.has_perm(SET_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("Your role does not allow ordering from vendors.")
        )
    reference = (reference or "").strip()
    errors = {}
    if supply not in BOUGHT_FOR_THE_LINE:
        errors["supply"] = gettext("Choose '%(drop)s' or '%(special)s', not '%(value)s'.") % {
            "drop": LineSupply.DROP_SHIPMENT,
            "special": LineSupply.SPECIAL_ORDER,
            "value": supply,
        }
    if vendor is None:
        errors["vendor"] = gettext("Choose the vendor the goods are ordered from.")
    if expected_date is None:
        errors["expected_date"] = gettext("Enter the date the vendor is expected to deliver.")
    elif not date_in_window(expected_date):
        errors["expected_date"] = date_window_message()
    if len(reference) > REFERENCE_LENGTH:
        errors["reference"] = gettext("Enter at most %(max)s characters.") % {"max": REFERENCE_LENGTH}
    if errors:
        raise ValidationFailed(field_errors=errors)
    order = lock_order(order_line.order_id, with_customer=False)
    line = lock_order_lines(order, related=("item",)).get(order_line.pk)
    reason = line_supply_refusal(line)
    if (
        reason is None
        and PackingSlipLine.objects.filter(
            order_line=line, packing_slip__state=PackingSlipState.DRAFT, quantity__gt=0
        ).exists()
    ):
        reason = gettext("A draft packing slip ships line %(line_no)s from stock: delete it first.") % {
            "line_no": line.line_no
        }
    if reason:
        raise TransitionRefused(code=ErrorCode.LINE_SUPPLY_NOT_SETTABLE, reason=reason)
    drops = reserved_cut([line], everything=True)
    line.supply = supply
    line.save(update_fields=["supply", "qty_reserved"])
    # Once the line is stored as bought for itself, so the stock it let go of goes to the others, not back to it.
    reservations_give_back(drops)
    # The number is taken last (lock order); a refusal before it leaves the series gapless.
    return InboundSupplyLine.objects.create(
        number=number_take(code="supply"),
        vendor=vendor,
        item=line.item,
        quantity=line.deliver_remainder,
        expected_date=expected_date,
        reference=reference,
        order_line=line,
        created_by=by,
    )


@transaction.atomic
def line_supply_receive(
    *, supply_line: InboundSupplyLine, quantity, received_on: datetime.date | None = None, by: User
) -> InboundSupplyLine:
    """Receive ``quantity`` of a supply line bought for an order line: a drop shipment posts the delivery to the
    customer (the vendor shipped it; no stock moves), a special order comes into stock reserved for its line."""
    if not by.has_perm(RECEIVE_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("Your role does not allow receiving inbound supply.")
        )
    value = decimal_or_none(quantity)
    received_on = received_on or timezone.localdate()
    errors = {}
    if value is None or value <= 0 or value.as_tuple().exponent < -3:
        errors["quantity"] = gettext("Enter the quantity received, above zero, up to 3 decimals.")
    if not date_in_window(received_on):
        errors["received_on"] = date_window_message()
    if errors:
        raise ValidationFailed(field_errors=errors)
    if supply_line.order_line_id is None:
        raise TransitionRefused(
            code=ErrorCode.LINE_SUPPLY_NOT_RECEIVABLE,
            reason=gettext("Supply line %(number)s is not bought for an order line.") % {"number": supply_line.number},
        )
    order_line = SalesOrderLine.objects.only("order_id").get(pk=supply_line.order_line_id)
    order = lock_order(order_line.order_id, with_customer=False)
    line = lock_order_lines(order, related=("item",))[order_line.pk]
    supply = InboundSupplyLine.objects.select_for_update().get(pk=supply_line.pk)
    # What the line can still take: a special order's receipts stay reserved for it until they are shipped.
    waits_for = line.deliver_remainder - (line.qty_reserved if line.supply == LineSupply.SPECIAL_ORDER else ZERO)
    reason = None
    if supply.state != SupplyState.OPEN:
        reason = gettext("Supply line %(number)s is %(state)s: nothing more is received on it.") % {
            "number": supply.number,
            "state": supply.get_state_display().lower(),
        }
    elif line.supply not in BOUGHT_FOR_THE_LINE:
        reason = gettext("Line %(line_no)s of order %(order)s is no longer bought for itself.") % {
            "line_no": line.line_no,
            "order": order.number,
        }
    elif value > supply.remaining or value > waits_for:
        reason = gettext(
            "Only %(remaining)s %(unit)s of %(item)s are still to come on %(number)s for line %(line_no)s of order "
            "%(order)s; %(quantity)s received."
        ) % {
            "remaining": _fmt(max(min(supply.remaining, waits_for), ZERO)),
            "unit": line.unit,
            "item": line.item.number,
            "number": supply.number,
            "line_no": line.line_no,
            "order": order.number,
            "quantity": _fmt(value),
        }
    if reason:
        raise TransitionRefused(code=ErrorCode.LINE_SUPPLY_NOT_RECEIVABLE, reason=reason)
    if line.supply == LineSupply.DROP_SHIPMENT:
        # The vendor delivered to the customer: the receipt is the delivery (moves_stock leaves such lines out).
        slip = packing_slip_create(order=order, quantities={line.pk: value}, ship_date=received_on, by=by)
        packing_slip_post(packing_slip=slip, by=by, check_permission=False)
    else:
        stock_moves_book(
            [Move(item_id=line.item_id, quantity=value, kind=StockMoveKind.SUPPLY_RECEIPT, supply_line_id=supply.pk)],
            moved_on=received_on,
            by=by,
        )
        # Reserved for this line at once: special orders are not in the general fill (reservations.WAITING_SQL).
        SalesOrderLine.objects.filter(pk=line.pk).update(qty_reserved=F("qty_reserved") + value)
        Item.objects.filter(pk=line.item_id).update(reserved=F("reserved") + value)
    supply.qty_received += value
    supply.save(update_fields=["qty_received", "updated_at"])
    if supply.all_received():
        transition_run(supply.mark_received, by=by, check_permission=False)
        transition_save(supply)
    return supply


def supply_receive(
    *, supply_line: InboundSupplyLine, quantity, received_on: datetime.date | None = None, by: User
) -> InboundSupplyLine:
    """Receive goods of any supply line: into stock (``supply_line_receive``), or, for a line bought for one order
    line, as that line's drop shipment or special order (``line_supply_receive``). Pages, the API and the admin
    receive through this one door."""
    if supply_line.order_line_id:
        return line_supply_receive(supply_line=supply_line, quantity=quantity, received_on=received_on, by=by)
    return supply_line_receive(supply_line=supply_line, quantity=quantity, received_on=received_on, by=by)

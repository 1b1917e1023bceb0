"""What a customer may send back (returned orders, DESIGN.md §4.2): a returned order's line names the line of
the customer's order that comes back, takes that line's item, price, discount and tax code (the credit note
credits what was invoiced), and may not take back more than was delivered and is not already being returned."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils.translation import gettext

from core.money import ZERO
from salesapp.choices import LineType, OrderState
from salesapp.models import Customer, SalesOrderLine
from salesapp.order_types import policy_for


def _fmt(quantity: Decimal) -> str:
    return f"{quantity.normalize():f}"


def returnable_quantities(line_ids, *, exclude_order_id: int | None = None) -> dict[int, Decimal]:
    """Per order line: delivered minus what returned orders that are not canceled take back (received or not),
    in one query. ``exclude_order_id``: a returned order whose own lines are being checked."""
    taken_lines = ~Q(return_lines__order__state=OrderState.CANCELED)
    if exclude_order_id is not None:
        taken_lines &= ~Q(return_lines__order_id=exclude_order_id)
    rows = (
        SalesOrderLine.objects.filter(pk__in=list(line_ids))
        .values("pk", "qty_delivered")
        .annotate(
            taken=Sum(
                F("return_lines__quantity") - F("return_lines__qty_closed_short"), filter=taken_lines, default=ZERO
            )
        )
    )
    return {row["pk"]: row["qty_delivered"] - row["taken"] for row in rows}


def return_origins(lines) -> dict[int, SalesOrderLine]:
    """The order lines that ``lines`` (order line inputs) name as coming back, in one query."""
    ids = {line.returned_line.pk for line in lines if getattr(line, "returned_line", None) is not None}
    if not ids:
        return {}
    return {
        origin.pk: origin
        for origin in SalesOrderLine.objects.filter(pk__in=ids).select_related("item", "tax_code", "order")
    }


def return_inputs_resolved(lines: list) -> list:
    """The inputs with each return line completed from the line it returns: its item (when none is given),
    line type, price, discount, price source and tax code; the description defaults to the original's."""
    origins = return_origins(lines)
    if not origins:
        return lines
    resolved = []
    for line in lines:
        origin = origins.get(line.returned_line.pk) if getattr(line, "returned_line", None) is not None else None
        if origin is None or origin.line_type == LineType.COMMENT:
            resolved.append(line)
            continue
        resolved.append(
            replace(
                line,
                returned_line=origin,
                item=line.item or origin.item,
                line_type=origin.line_type if origin.line_type == LineType.WRITE_IN else "",
                description=line.description or origin.description,
                unit_price=origin.unit_price,
                discount_percent=origin.discount_percent,
                price_source=origin.price_source,
                price_confirmed=True,
                tax_code=origin.tax_code,
            )
        )
    return resolved


def return_line_errors(
    lines: list, *, customer: Customer, order_type: str, prefix, exclude_order_id: int | None = None
) -> dict[str, str]:
    """Why the return lines among ``lines`` (resolved inputs) cannot be entered, keyed ``<prefix(index)>returned_line``
    or ``…quantity``: a line of another customer's order, of a return, of another item, or more than is left to
    return (adding up the lines of this input that return the same line)."""
    returning = [(index, line) for index, line in enumerate(lines) if getattr(line, "returned_line", None) is not None]
    if not returning:
        return {}
    if not policy_for(order_type).receives:
        index = returning[0][0]
        return {
            f"{prefix(index)}returned_line": gettext(
                "Only a returned order's lines name an order line that comes back."
            )
        }
    errors: dict[str, str] = {}
    left = returnable_quantities(
        {line.returned_line.pk for _index, line in returning}, exclude_order_id=exclude_order_id
    )
    for index, line in returning:
        origin = line.returned_line
        field = f"{prefix(index)}returned_line"
        if origin.order.customer_id != customer.pk:
            errors[field] = gettext("Line %(line)s is a line of another customer's order.") % {"line": origin.pk}
        elif policy_for(origin.order.order_type).receives:
            errors[field] = gettext(
                "Line %(line)s is itself a return: name the line of the order that was delivered."
            ) % {"line": origin.pk}
        elif origin.line_type == LineType.COMMENT or origin.qty_delivered <= 0:
            errors[field] = gettext("Nothing of line %(line_no)s of order %(number)s was delivered.") % {
                "line_no": origin.line_no,
                "number": origin.order.number,
            }
        elif line.item is not None and origin.item_id != line.item.pk:
            errors[f"{prefix(index)}item"] = gettext(
                "Line %(line_no)s of order %(number)s is for %(item)s: leave the item empty to return it."
            ) % {"line_no": origin.line_no, "number": origin.order.number, "item": origin.item.number}
        else:
            quantity = Decimal(line.quantity)
            available = left.get(origin.pk, ZERO)
            if quantity > available:
                errors[f"{prefix(index)}quantity"] = gettext(
                    "Only %(left)s %(unit)s of %(item)s from order %(number)s can still be returned "
                    "(delivered %(delivered)s); %(quantity)s asked."
                ) % {
                    "left": _fmt(max(available, ZERO)),
                    "unit": origin.unit,
                    "item": origin.item.number,
                    "number": origin.order.number,
                    "delivered": _fmt(origin.qty_delivered),
                    "quantity": _fmt(quantity),
                }
            left[origin.pk] = available - quantity
    return errors

"""Goods returned against an invoice: the returned order is entered from the invoice's lines (an integration
often knows the invoice the customer names, not the order)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from core.errors import TransitionRefused, ValidationFailed
from invoicing.choices import InvoiceState
from invoicing.errors import ErrorCode
from invoicing.models import Invoice
from salesapp.models import SalesOrder
from salesapp.services.returns import returned_order_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_ORDER_LINE_KEY = re.compile(r"^lines\[(\d+)\]")


@transaction.atomic
def invoice_return(
    *, invoice: Invoice, quantities: dict[int, Decimal], return_reason: str = "", by: User
) -> SalesOrder:
    """A returned order for ``quantities`` per line id of a posted invoice: each invoice line names the order
    line it billed, which the returned order line returns (at its price). No more than the invoice line billed,
    and the order's own checks (no more than delivered and not already returning). Errors are keyed by
    invoice line id (``lines[<id>].quantity``)."""
    if invoice.state != InvoiceState.POSTED or invoice.is_credit_note or invoice.order_id is None:
        raise TransitionRefused(
            code=ErrorCode.INVOICE_NOT_RETURNABLE,
            reason=gettext("Goods come back against a posted invoice of a sales order; %(invoice)s is not one.")
            % {"invoice": invoice},
        )
    lines = {line.pk: line for line in invoice.lines.select_related("order_line")}
    errors = {}
    for line_id, quantity in quantities.items():
        line = lines.get(int(line_id))
        if line is None or line.order_line_id is None:
            errors[f"lines[{line_id}]"] = gettext(
                "Line %(line)s is not a line of %(invoice)s for a delivered item."
            ) % {
                "line": line_id,
                "invoice": invoice,
            }
        elif quantity > line.quantity:
            errors[f"lines[{line_id}].quantity"] = gettext(
                "%(invoice)s billed %(billed)s of line %(line_no)s; %(quantity)s cannot come back against it."
            ) % {
                "invoice": invoice,
                "billed": f"{line.quantity.normalize():f}",
                "line_no": line.line_no,
                "quantity": f"{quantity.normalize():f}",
            }
    if errors:
        raise ValidationFailed(field_errors=errors)
    per_order_line: dict[int, Decimal] = {}
    invoice_line_of: dict[int, int] = {}
    for line_id, quantity in quantities.items():
        order_line = lines[int(line_id)].order_line
        per_order_line[order_line.pk] = per_order_line.get(order_line.pk, Decimal(0)) + quantity
        invoice_line_of[order_line.line_no] = int(line_id)
    try:
        return returned_order_create(order=invoice.order, quantities=per_order_line, return_reason=return_reason, by=by)
    except ValidationFailed as error:
        # The returned order names the order's line numbers; the caller sent invoice lines.
        raise ValidationFailed(
            code=error.code,
            field_errors={
                _ORDER_LINE_KEY.sub(lambda match: f"lines[{invoice_line_of.get(int(match[1]), match[1])}]", key): text
                for key, text in error.field_errors.items()
            },
        ) from None

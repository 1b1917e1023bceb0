"""Posting a summary invoice (basis "summary"): it bills packing slips of several orders, so ``invoice_post``
locks all of them, books each order's invoiced quantities and lets each order's status follow. Kept apart from
invoicing.services.invoices, which calls it, so that the single-order posting reads as it did."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from core.errors import TransitionRefused
from invoicing.errors import ErrorCode
from invoicing.models import Invoice, InvoiceLine
from salesapp.lock_objects import lock_orders_with_lines, lock_posted_slip_lines_of
from salesapp.models import PackingSlipLine, SalesOrder
from salesapp.services.orders import InvoicedQuantity, orders_invoiced_book

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def summary_orders_lock(invoice: Invoice) -> dict[int, SalesOrder]:
    """Lock the orders a summary invoice bills, in id order, and their lines: the first locks of its posting
    (DESIGN.md §2.4: orders → lines → invoice)."""
    order_ids = (
        InvoiceLine.objects.filter(invoice_id=invoice.pk, order_line__isnull=False)
        .values_list("order_line__order_id", flat=True)
        .order_by()
        .distinct()
    )
    return lock_orders_with_lines(list(order_ids))


def summary_slip_lines_lock(orders: dict[int, SalesOrder]) -> dict[int, dict[int, PackingSlipLine]]:
    return lock_posted_slip_lines_of(orders.values())


def summary_claims_release(invoice: Invoice) -> None:
    """The draft's hold on its slip lines ends with posting: from now on their invoiced quantity holds them."""
    InvoiceLine.objects.filter(invoice_id=invoice.pk, draft_claim=True).update(draft_claim=False)


def summary_invoiced_book(
    *,
    orders: dict[int, SalesOrder],
    lines: list[InvoiceLine],
    slip_lines: dict[int, dict[int, PackingSlipLine]],
    by: User,
) -> None:
    """Book the invoiced quantities of every order (one statement per table), then each order's status follows."""
    per_order: dict[int, list[InvoicedQuantity]] = defaultdict(list)
    order_of_line = {line.pk: order_id for order_id, order in orders.items() for line in order.lines.all()}
    for line in lines:
        if not line.order_line_id:
            continue
        order_id = order_of_line.get(line.order_line_id)
        if order_id is None:
            # A line added to the draft after its orders were locked: post again.
            raise TransitionRefused(
                code=ErrorCode.INVOICE_NOT_POSTABLE,
                reason=gettext("Line %(line_no)s changed while the invoice was being posted: post it again.")
                % {"line_no": line.line_no},
            )
        per_order[order_id].append(
            InvoicedQuantity(
                order_line_id=line.order_line_id,
                quantity=abs(line.quantity),
                packing_slip_line_id=line.packing_slip_line_id,
            )
        )
    orders_invoiced_book(
        bookings=[(orders[order_id], per_order[order_id], slip_lines[order_id]) for order_id in sorted(per_order)],
        by=by,
    )

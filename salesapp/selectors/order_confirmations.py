"""What an order confirmation tells the customer, and whether that changed since the last one sent."""

from __future__ import annotations

import hashlib
import json

from salesapp.models import OrderConfirmation, SalesOrder

# The line fields a confirmation states: a change to any of them makes the next confirmation a revised one.
_LINE_FIELDS = (
    "line_no",
    "line_type",
    "item_id",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "tax_code_id",
    "net_amount",
    "requested_ship_date",
    "confirmed_ship_date",
    "qty_closed_short",
)


def confirmation_fingerprint(order: SalesOrder, lines) -> str:
    """A digest of the header and ``lines`` (the order's lines) as a confirmation shows them."""
    content = {
        "header": [
            order.currency,
            order.requested_ship_date,
            order.customer_reference,
            order.external_document_number,
            order.amount_total,
        ],
        "lines": [[getattr(line, name) for name in _LINE_FIELDS] for line in sorted(lines, key=lambda x: x.line_no)],
    }
    return hashlib.sha256(json.dumps(content, default=str, sort_keys=True).encode()).hexdigest()


def confirmation_last(order: SalesOrder) -> OrderConfirmation | None:
    """The newest confirmation requested for the order that did not fail: what the customer was last told."""
    return order.confirmations.filter(failed_at__isnull=True).order_by("-version", "-id").first()


def confirmation_list(order: SalesOrder) -> list[OrderConfirmation]:
    return list(order.confirmations.select_related("created_by").order_by("-queued_at", "-id")[:20])

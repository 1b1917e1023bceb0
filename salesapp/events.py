"""The business events sales records (core.events) and what each one's payload holds.

A payload names the document and the figures a receiving system needs to act without a read back; ids are
the API's ids. Fields are added, never renamed or removed, without raising ``core.events.SCHEMA_VERSION``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesapp.models import Customer, PackingSlip, Quotation, SalesOrder

ORDER_CONFIRMED = "sales_order.confirmed"
ORDER_CANCELED = "sales_order.canceled"
PACKING_SLIP_POSTED = "packing_slip.posted"
QUOTATION_ACCEPTED = "quotation.accepted"
CUSTOMER_CREATED = "customer.created"
CUSTOMER_CHANGED = "customer.changed"

EVENT_TYPES = (
    ORDER_CONFIRMED,
    ORDER_CANCELED,
    PACKING_SLIP_POSTED,
    QUOTATION_ACCEPTED,
    CUSTOMER_CREATED,
    CUSTOMER_CHANGED,
)


def order_data(order: SalesOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "number": order.number,
        "customer": order.customer_id,
        "order_type": order.order_type,
        "state": order.state,
        "currency": order.currency,
        "amount_total": str(order.amount_total),
        "external_document_number": order.external_document_number,
    }


def packing_slip_data(slip: PackingSlip) -> dict[str, Any]:
    return {"id": slip.pk, "number": slip.number, "order": slip.order_id, "ship_date": slip.ship_date}


def quotation_data(quotation: Quotation) -> dict[str, Any]:
    return {
        "id": quotation.pk,
        "number": quotation.number,
        "revision": quotation.current_revision,
        "state": quotation.state,
    }


def customer_data(customer: Customer, *, changed: list[str] | None = None) -> dict[str, Any]:
    data = {
        "id": customer.pk,
        "number": customer.number,
        "party": customer.party_id,
        "currency": customer.currency,
        "blocked": customer.blocked,
    }
    if changed is not None:
        data["changed"] = sorted(changed)
    return data

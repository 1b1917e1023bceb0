"""Reads of orders waiting for a sales manager's approval: the approvals queue."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from salesapp.choices import OrderState
from salesapp.models import SalesOrder
from salesapp.selectors.credit import customers_exposure


def approvals_pending() -> QuerySet[SalesOrder]:
    """Orders waiting for approval, the longest waiting first."""
    return (
        SalesOrder.objects.filter(state=OrderState.PENDING_APPROVAL)
        .select_related("customer__party", "approval_requested_by")
        .order_by("approval_requested_at", "pk")
    )


def approvals_with_exposure(orders: list[SalesOrder], *, viewer) -> list[SalesOrder]:
    """The page's orders, each with its customer's exposure (``order.exposure``, every committed order
    counted, this one included), how long it has waited (``order.waiting``) and whether ``viewer`` asked for
    it (``order.asked_by_viewer``: then another manager decides), in two queries for the page."""
    exposures = customers_exposure(list({order.customer_id: order.customer for order in orders}.values()))
    now = timezone.now()
    for order in orders:
        order.exposure = exposures[order.customer_id]
        order.waiting = now - order.approval_requested_at if order.approval_requested_at else None
        order.asked_by_viewer = order.is_approval_requester(viewer)
    return orders

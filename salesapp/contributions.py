"""What sales documents tell marketing: a party's timeline, whether an opportunity has a sales document,
and the revenue ordered through a campaign (see core.extensions)."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from core import extensions
from core.money import ZERO
from salesapp.choices import OrderState
from salesapp.models import SalesOrder


def order_timeline(party_ids: list[int], limit: int) -> list[extensions.TimelineEntry]:
    orders = (
        SalesOrder.objects.filter(customer__party_id__in=party_ids)
        .only("id", "number", "state", "created_at", "amount_total", "currency", "customer_reference")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        extensions.TimelineEntry(
            at=order.created_at,
            kind="order",
            kind_label=gettext("Sales order"),
            title=order.number,
            detail=f"{order.currency} {floatformat(order.amount_total, '2g')}",
            url=reverse("salesapp:order_detail", args=[order.pk]),
            state=order.get_state_display(),
        )
        for order in orders
    ]


def opportunity_has_order(opportunity) -> bool:
    return SalesOrder.objects.filter(opportunity_id=opportunity.pk).exclude(state=OrderState.CANCELED).exists()


def campaign_ordered_revenue(campaign_ids: list[int]) -> dict[int, list[extensions.CampaignFigure]]:
    rows = (
        SalesOrder.objects.filter(campaign_id__in=campaign_ids)
        .exclude(state__in=[OrderState.CANCELED, OrderState.OPEN])
        .values("campaign_id")
        .annotate(total=Sum("amount_net"), count=Count("id"))
    )
    found = {row["campaign_id"]: row for row in rows}
    return {
        pk: [
            extensions.CampaignFigure(
                key="orders_confirmed", label=gettext("Confirmed orders"), amount=found.get(pk, {}).get("count", 0)
            ),
            extensions.CampaignFigure(
                key="ordered_revenue",
                label=gettext("Ordered revenue (net)"),
                amount=found.get(pk, {}).get("total") or ZERO,
            ),
        ]
        for pk in campaign_ids
    }


def register() -> None:
    extensions.register_timeline_source(order_timeline)
    extensions.register_opportunity_document_type(
        extensions.OpportunityDocumentType(label=gettext_lazy("sales order"), exists=opportunity_has_order)
    )
    extensions.register_campaign_revenue_source(campaign_ordered_revenue)

"""What sales documents tell marketing: a party's timeline, whether an opportunity has a sales document,
and the revenue ordered through a campaign; and the sales order an accepted quotation converts into
(see core.extensions)."""

from __future__ import annotations

import dataclasses

from django.db.models import Count, Q, Sum
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from core import extensions
from core.money import ZERO
from core.web import list_url, panel_rows
from salesapp.choices import OrderState
from salesapp.models import Customer, Quotation, SalesAgreement, SalesOrder
from salesapp.order_types import POLICIES
from salesapp.services.customers import customer_party_move
from salesapp.services.quotations import CONVERT_TO_ORDER, quotation_order_convert

# The order types invoiced with a credit note: they undo sales.
CREDITED_TYPES = [policy.order_type.value for policy in POLICIES.values() if policy.invoice_makes_credit_note]


def _credited(order_type: str) -> bool:
    return order_type in CREDITED_TYPES


def order_timeline(party_ids: list[int], limit: int) -> list[extensions.TimelineEntry]:
    orders = (
        SalesOrder.objects.filter(customer__party_id__in=party_ids)
        .only("id", "number", "order_type", "state", "created_at", "amount_total", "currency", "customer_reference")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        extensions.TimelineEntry(
            at=order.created_at,
            kind="order",
            kind_label=gettext("Returned order") if _credited(order.order_type) else gettext("Sales order"),
            title=order.number,
            detail=f"{order.currency} {floatformat(order.amount_total, '2g')}",
            url=reverse("salesapp:order_detail", args=[order.pk]),
            state=order.get_state_display(),
        )
        for order in orders
    ]


def agreement_timeline(party_ids: list[int], limit: int) -> list[extensions.TimelineEntry]:
    agreements = (
        SalesAgreement.objects.filter(customer__party_id__in=party_ids)
        .only("id", "number", "state", "created_at", "valid_from", "valid_to")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        extensions.TimelineEntry(
            at=agreement.created_at,
            kind="agreement",
            kind_label=gettext("Sales agreement"),
            title=agreement.number,
            detail=gettext("valid %(start)s – %(end)s")
            % {
                "start": date_format(agreement.valid_from, "SHORT_DATE_FORMAT"),
                "end": date_format(agreement.valid_to, "SHORT_DATE_FORMAT"),
            },
            url=reverse("salesapp:agreement_detail", args=[agreement.pk]),
            state=agreement.get_state_display(),
        )
        for agreement in agreements
    ]


def quotation_timeline(party_ids: list[int], limit: int) -> list[extensions.TimelineEntry]:
    quotations = (
        Quotation.objects.filter(Q(party_id__in=party_ids) | Q(customer__party_id__in=party_ids))
        .only("id", "number", "state", "created_at", "amount_total", "currency", "current_revision")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        extensions.TimelineEntry(
            at=quotation.created_at,
            kind="quotation",
            kind_label=gettext("Quotation"),
            title=quotation.number,
            detail=f"{quotation.currency} {floatformat(quotation.amount_total, '2g')}",
            url=reverse("salesapp:quotation_detail", args=[quotation.pk]),
            state=quotation.get_state_display(),
        )
        for quotation in quotations
    ]


def opportunity_has_order(opportunity) -> bool:
    return SalesOrder.objects.filter(opportunity_id=opportunity.pk).exclude(state=OrderState.CANCELED).exists()


def campaign_ordered_revenue(campaign_ids: list[int]) -> dict[int, list[extensions.CampaignFigure]]:
    # A return keeps the campaign of the sale it undoes: it lowers the revenue and is not an order won.
    returned = Q(order_type__in=CREDITED_TYPES)
    rows = (
        SalesOrder.objects.filter(campaign_id__in=campaign_ids)
        .exclude(state__in=[OrderState.CANCELED, OrderState.OPEN])
        .values("campaign_id")
        .annotate(
            total=Sum("amount_net", filter=~returned, default=ZERO) - Sum("amount_net", filter=returned, default=ZERO),
            count=Count("id", filter=~returned),
        )
    )
    found = {row["campaign_id"]: row for row in rows}
    return {
        pk: [
            extensions.CampaignFigure(
                key="orders_confirmed",
                label=gettext("Confirmed orders"),
                amount=found.get(pk, {}).get("count", 0),
                kind="count",
            ),
            extensions.CampaignFigure(
                key="ordered_revenue",
                label=gettext("Ordered revenue (net)"),
                amount=found.get(pk, {}).get("total") or ZERO,
            ),
        ]
        for pk in campaign_ids
    }


def customer_merge_refusal(keep, remove) -> str | None:
    kept, removed = Customer.objects.filter(party=keep).first(), Customer.objects.filter(party=remove).first()
    if kept is None or removed is None:
        return None
    # Posted documents never change, so two accounts are never rewritten into one.
    return gettext(
        "%(keep)s and %(remove)s each have their own %(what)s: %(first)s and %(second)s. These are never "
        "merged, because their posted documents never change: keep working with one party and stop using "
        "the other."
    ) % {
        "keep": keep.name,
        "remove": remove.name,
        "what": Customer._meta.verbose_name,
        "first": kept.number,
        "second": removed.number,
    }


def customer_merge_preview(keep, remove) -> list[tuple[str, int]]:
    count = Customer.objects.filter(party=remove).count()
    return [(capfirst(str(Customer._meta.verbose_name)), count)] if count else []


def opportunity_orders_panel(opportunity, user) -> dict:
    orders = SalesOrder.objects.filter(opportunity_id=opportunity.pk).select_related("customer").order_by("-id")
    rows = panel_rows(orders)
    if rows.more:
        # Only then is the customer (whose order list shows them all) worth a query.
        customer = Customer.objects.filter(party_id=opportunity.party_id).values_list("pk", flat=True).first()
        url = list_url("salesapp:order_list", customer=customer) if customer else ""
        rows = dataclasses.replace(rows, url=url)
    return {"orders": rows}


def register() -> None:
    extensions.register_page_panel(
        extensions.PagePanel(
            model="marketing.opportunity",
            name="sales_orders",
            template="salesapp/includes/opportunity_orders_panel.html",
            context=opportunity_orders_panel,
            permission="salesapp.view_salesorder",
        )
    )
    extensions.register_party_merge_participant(
        extensions.PartyMergeParticipant(
            models=("salesapp.customer",),
            refusal=customer_merge_refusal,
            preview=customer_merge_preview,
            move=customer_party_move,
        )
    )
    extensions.register_activity_document_type("salesapp.salesorder")
    extensions.register_activity_document_type("salesapp.packingslip")
    extensions.register_activity_document_type("salesapp.quotation")
    extensions.register_timeline_source(order_timeline)
    extensions.register_timeline_source(quotation_timeline)
    extensions.register_timeline_source(agreement_timeline)
    extensions.register_opportunity_document_type(
        extensions.OpportunityDocumentType(label=gettext_lazy("sales order"), exists=opportunity_has_order)
    )
    extensions.register_campaign_revenue_source(campaign_ordered_revenue)
    extensions.register_quotation_converter(
        extensions.QuotationConverter(
            name=CONVERT_TO_ORDER,
            label=gettext_lazy("Sales order"),
            convert=quotation_order_convert,
            permission="salesapp.add_salesorder",
            describe=lambda order: gettext("sales order %(number)s") % {"number": order.number},
            url=lambda order: reverse("salesapp:order_detail", args=[order.pk]),
            order=10,
        )
    )

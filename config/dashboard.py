"""The start page: a dashboard across the apps (config may import every app; apps may not)."""

from django.db.models import Count, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from core.money import ZERO
from core.web import permission
from invoicing.choices import InvoiceState
from invoicing.models import Invoice
from invoicing.selectors import invoices as invoicing_selectors
from marketing.choices import CampaignState
from marketing.selectors.activities import followup_counts
from marketing.selectors.campaigns import campaign_list
from marketing.selectors.leads import lead_list
from marketing.selectors.opportunities import pipeline_get
from salesapp.models import SalesOrder
from salesapp.selectors.backorders import backorder_summary
from salesapp.selectors.quotations import quotations_expiring


def list_url(name: str, **filters) -> str:
    """The list a tile counts, with the filter that shows exactly the counted rows."""
    return f"{reverse(name)}?{urlencode(filters)}"


@permission()
def home(request):
    orders_by_state = dict(SalesOrder.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    # The invoice pages' own definitions of "open" and "overdue", so the figures match their filters.
    receivables = invoicing_selectors.invoice_list_open().aggregate(total=Sum("amount_total"), paid=Sum("amount_paid"))
    overdue = invoicing_selectors.invoice_list(overdue=True)
    context = {
        "orders_by_state": [
            (label, orders_by_state.get(value, 0), value, list_url("salesapp:order_list", state=value))
            for value, label in SalesOrder._meta.get_field("state").choices
        ],
        "open_receivables": (receivables["total"] or ZERO) - (receivables["paid"] or ZERO),
        "open_receivables_url": list_url("invoicing:invoice_list", open="on"),
        "overdue_count": overdue.count(),
        "overdue_url": list_url("invoicing:invoice_list", overdue="on"),
        "draft_invoices": Invoice.objects.filter(state=InvoiceState.DRAFT).count(),
        "draft_invoices_url": list_url("invoicing:invoice_list", state=InvoiceState.DRAFT),
        "recent_orders": SalesOrder.objects.select_related("customer__party").order_by("-id")[:8],
        "followups": followup_counts(user=request.user) if request.user.has_perm("marketing.view_activity") else None,
        # The user's own open activities in a follow-up group, as followup_counts() counts them.
        "followups_overdue_url": list_url("marketing:activity_list", owner="me", status="open", followup="overdue"),
        "followups_today_url": list_url("marketing:activity_list", owner="me", status="open", followup="today"),
    }
    if request.user.has_perm("salesapp.view_quotation"):
        context["quotations_expiring"] = quotations_expiring(days=7)
        context["quotations_expiring_url"] = list_url("salesapp:quotation_list", expiring=7)
    if request.user.has_perm("salesapp.view_salesorder"):
        context["backorders"] = backorder_summary()
        context["backorders_late_url"] = list_url("salesapp:backorders_by_customer", late="on")
        context["backorders_url"] = reverse("salesapp:backorders_by_customer")
        context["backorders_short_url"] = list_url("salesapp:backorders_by_item", sort="-shortfall")
    if request.user.has_perm("marketing.view_opportunity"):
        context.update(_marketing())
    return render(request, "home.html", context)


def _marketing() -> dict:
    """The pipeline by stage, drawn as bars of weighted revenue, and what marketing has running."""
    pipeline = pipeline_get(with_cards=False)  # the dashboard draws the figures, not the cards
    widest = max((column.weighted_revenue for column in pipeline.columns), default=0) or 1
    return {
        "pipeline": pipeline,
        "pipeline_bars": [(column, int(column.weighted_revenue * 100 / widest)) for column in pipeline.columns],
        "open_leads": lead_list(open_only=True).count(),
        "open_leads_url": list_url("marketing:lead_list", state="open"),
        "active_campaigns": campaign_list(state=CampaignState.ACTIVE).order_by().count(),
        "active_campaigns_url": list_url("marketing:campaign_list", state=CampaignState.ACTIVE),
    }

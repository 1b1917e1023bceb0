"""The start page: a dashboard across the apps (config may import every app; apps may not)."""

from django.db.models import Count, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from core.figures import figures_kept
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
    # Company-wide figures are kept a minute (core/figures.py); "refresh" computes them now.
    fresh = request.GET.get("refresh") == "1"
    sales, computed = figures_kept("dashboard:sales", _sales_figures, fresh=fresh)
    orders_by_state = sales["orders_by_state"]
    context = {
        "orders_by_state": [
            (label, orders_by_state.get(value, 0), value, list_url("salesapp:order_list", state=value))
            for value, label in SalesOrder._meta.get_field("state").choices
        ],
        "open_receivables": sales["open_receivables"],
        "open_receivables_url": list_url("invoicing:invoice_list", open="on"),
        "overdue_count": sales["overdue_count"],
        "overdue_url": list_url("invoicing:invoice_list", overdue="on"),
        "draft_invoices": sales["draft_invoices"],
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
        context["backorders"], computed_too = figures_kept("dashboard:backorders", backorder_summary, fresh=fresh)
        computed = min(computed, computed_too)
        context["backorders_late_url"] = list_url("salesapp:backorders_by_customer", late="on")
        context["backorders_url"] = reverse("salesapp:backorders_by_customer")
        context["backorders_short_url"] = list_url("salesapp:backorders_by_item", sort="-shortfall")
    if request.user.has_perm("marketing.view_opportunity"):
        marketing, computed_too = figures_kept("dashboard:marketing", _marketing_figures, fresh=fresh)
        computed = min(computed, computed_too)
        context.update(_marketing(marketing))
    # The oldest figure on the page says how old they all may be.
    context["figures_computed"] = computed
    context["figures_refresh_url"] = list_url("home", refresh=1)
    return render(request, "home.html", context)


def _sales_figures() -> dict:
    """The sales and invoicing tiles, the same for everyone."""
    # The invoice pages' own definitions of "open" and "overdue", so the figures match their filters.
    receivables = invoicing_selectors.invoice_list_open().aggregate(total=Sum("amount_total"), paid=Sum("amount_paid"))
    return {
        "orders_by_state": dict(
            SalesOrder.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
        ),
        "open_receivables": (receivables["total"] or ZERO) - (receivables["paid"] or ZERO),
        "overdue_count": invoicing_selectors.invoice_list(overdue=True).count(),
        "draft_invoices": Invoice.objects.filter(state=InvoiceState.DRAFT).count(),
    }


def _marketing_figures() -> dict:
    """The pipeline by stage and what marketing has running, the same for everyone."""
    return {
        "pipeline": pipeline_get(with_cards=False),  # the dashboard draws the figures, not the cards
        "open_leads": lead_list(open_only=True).count(),
        "active_campaigns": campaign_list(state=CampaignState.ACTIVE).order_by().count(),
    }


def _marketing(figures: dict) -> dict:
    """The pipeline drawn as bars of weighted revenue, and what marketing has running, with their lists' links."""
    pipeline = figures["pipeline"]
    widest = max((column.weighted_revenue for column in pipeline.columns), default=0) or 1
    return {
        "pipeline": pipeline,
        "pipeline_bars": [(column, int(column.weighted_revenue * 100 / widest)) for column in pipeline.columns],
        "open_leads": figures["open_leads"],
        "open_leads_url": list_url("marketing:lead_list", state="open"),
        "active_campaigns": figures["active_campaigns"],
        "active_campaigns_url": list_url("marketing:campaign_list", state=CampaignState.ACTIVE),
    }

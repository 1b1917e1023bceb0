"""The start page: a dashboard across the apps (config may import every app; apps may not)."""

from django.db.models import Count, Sum
from django.shortcuts import render

from core.money import ZERO
from core.web import permission
from invoicing.choices import InvoiceState
from invoicing.models import Invoice
from invoicing.selectors import invoices as invoicing_selectors
from marketing.choices import CampaignState, LeadState
from marketing.models import Campaign, Lead
from marketing.selectors.activities import followup_counts
from marketing.selectors.opportunities import pipeline_get
from salesapp.models import SalesOrder


@permission()
def home(request):
    orders_by_state = dict(SalesOrder.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    # The invoice pages' own definitions of "open" and "overdue", so the figures match their filters.
    receivables = invoicing_selectors.invoice_list_open().aggregate(total=Sum("amount_total"), paid=Sum("amount_paid"))
    overdue = invoicing_selectors.invoice_list(overdue=True)
    context = {
        "orders_by_state": [
            (label, orders_by_state.get(value, 0), value)
            for value, label in SalesOrder._meta.get_field("state").choices
        ],
        "open_receivables": (receivables["total"] or ZERO) - (receivables["paid"] or ZERO),
        "overdue_count": overdue.count(),
        "draft_invoices": Invoice.objects.filter(state=InvoiceState.DRAFT).count(),
        "recent_orders": SalesOrder.objects.select_related("customer__party").order_by("-id")[:8],
        "followups": followup_counts(user=request.user) if request.user.has_perm("marketing.view_activity") else None,
    }
    if request.user.has_perm("marketing.view_opportunity"):
        context.update(_marketing())
    return render(request, "home.html", context)


def _marketing() -> dict:
    """The pipeline by stage, drawn as bars of weighted revenue, and what marketing has running."""
    pipeline = pipeline_get(cards_per_stage=1)
    widest = max((column.weighted_revenue for column in pipeline.columns), default=0) or 1
    return {
        "pipeline": pipeline,
        "pipeline_bars": [(column, int(column.weighted_revenue * 100 / widest)) for column in pipeline.columns],
        "open_leads": Lead.objects.filter(state__in=[LeadState.NEW, LeadState.QUALIFIED]).count(),
        "active_campaigns": Campaign.objects.filter(state=CampaignState.ACTIVE).count(),
    }

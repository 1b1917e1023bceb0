"""The start page: a dashboard across the apps (config may import every app; apps may not)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.shortcuts import render
from django.utils import timezone

from invoicing.choices import InvoiceState, PaymentState
from invoicing.models import Invoice
from marketing.selectors.activities import followup_counts
from salesapp.models import SalesOrder


@login_required
def home(request):
    orders_by_state = dict(SalesOrder.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    open_invoices = Invoice.objects.filter(state=InvoiceState.POSTED).exclude(payment_state=PaymentState.PAID)
    receivables = open_invoices.aggregate(total=Sum("amount_total"), paid=Sum("amount_paid"))
    overdue = open_invoices.filter(due_date__lt=timezone.localdate())
    context = {
        "orders_by_state": [
            (label, orders_by_state.get(value, 0), value)
            for value, label in SalesOrder._meta.get_field("state").choices
        ],
        "open_receivables": (receivables["total"] or 0) - (receivables["paid"] or 0),
        "overdue_count": overdue.count(),
        "draft_invoices": Invoice.objects.filter(state=InvoiceState.DRAFT).count(),
        "recent_orders": SalesOrder.objects.select_related("customer__party").order_by("-id")[:8],
        "followups": followup_counts(user=request.user) if request.user.has_perm("marketing.view_activity") else None,
    }
    return render(request, "home.html", context)

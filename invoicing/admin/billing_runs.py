"""Billing runs in the admin: read-only, with their results; they are started from the billing runs page or
the API (invoicing.services.billing_runs)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin, ReadOnlyInline
from invoicing.models import BillingRun, BillingRunResult
from invoicing.services.summary_runs import summary_run_post_all


class BillingRunResultInline(ReadOnlyInline):
    model = BillingRunResult
    fields = ("order", "customer", "group_key", "period_start", "invoice", "refusal", "posting_refusal")
    related = ("order", "customer__party", "invoice")


@admin.register(BillingRun)
class BillingRunAdmin(DocumentAdmin):
    list_display = (
        "pk",
        "kind",
        "bill_until",
        "state",
        "processed",
        "total",
        "posting_state",
        "started_by",
        "started_at",
        "finished_at",
    )
    list_filter = ("kind", "state", "posting_state", "grouping", "bill_until")
    search_fields = ("results__order__number", "results__customer__number")
    list_select_related = ("started_by",)
    date_hierarchy = "started_at"
    inlines = (BillingRunResultInline,)
    actions = ("post_all",)

    def has_post_permission(self, request):
        return request.user.has_perm("invoicing.post_invoice")

    # "Post all" of a packing-slip run: a job posts its drafts (invoicing.services.summary_runs).
    @admin.action(description=_("Post all invoices of the selected packing-slip runs"), permissions=["post"])
    def post_all(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda run: summary_run_post_all(run=run, by=request.user),
            done=ngettext_lazy(
                "Posting the invoices of %(count)d run.", "Posting the invoices of %(count)d runs.", "count"
            ),
        )

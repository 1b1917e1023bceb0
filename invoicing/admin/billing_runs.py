"""Billing runs in the admin: read-only, with their results; they are started from the billing runs page or
the API (invoicing.services.billing_runs)."""

from django.contrib import admin

from core.admin import DocumentAdmin, ReadOnlyInline
from invoicing.models import BillingRun, BillingRunResult


class BillingRunResultInline(ReadOnlyInline):
    model = BillingRunResult
    fields = ("order", "period_start", "invoice", "refusal")
    related = ("order", "invoice")


@admin.register(BillingRun)
class BillingRunAdmin(DocumentAdmin):
    list_display = (
        "pk",
        "kind",
        "bill_until",
        "state",
        "processed",
        "total",
        "started_by",
        "started_at",
        "finished_at",
    )
    list_filter = ("kind", "state", "bill_until")
    search_fields = ("results__order__number",)
    list_select_related = ("started_by",)
    date_hierarchy = "started_at"
    inlines = (BillingRunResultInline,)

"""Payments in the admin: read-only; they are registered through the payment service."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import DocumentAdmin, ReadOnlyInline
from invoicing.models import (
    Payment,
    PaymentApplication,
)


class PaymentApplicationInline(ReadOnlyInline):
    model = PaymentApplication
    fields = ("invoice", "amount", "applied_at", "applied_by", "unapplied_at", "unapplied_by")
    related = ("invoice", "applied_by", "unapplied_by")


@admin.register(Payment)
class PaymentAdmin(DocumentAdmin):
    list_display = (
        "number",
        "customer_name",
        "payment_date",
        "method",
        "direction",
        "amount",
        "amount_applied",
        "unapplied",
        "reference",
    )
    list_filter = ("direction", "method", "currency", "payment_date")
    search_fields = ("number", "reference", "customer__number", "customer__party__name")
    list_select_related = ("customer__party",)
    date_hierarchy = "payment_date"
    readonly_fields = ("unapplied",)
    fieldsets = (
        (None, {"fields": ("number", "customer", "payment_date", "direction", "method", "reference")}),
        (_("Amounts"), {"fields": ("currency", "amount", "amount_applied", "unapplied")}),
        (_("History"), {"fields": ("created_at", "created_by", "updated_at")}),
    )
    inlines = (PaymentApplicationInline,)

    @admin.display(description=_("customer"), ordering="customer__party__name")
    def customer_name(self, obj: Payment) -> str:
        return f"{obj.customer.number} {obj.customer.party.name}"

    @admin.display(description=_("unapplied"))
    def unapplied(self, obj: Payment):
        return obj.amount_unapplied

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer__party", "created_by")

"""Statements and settlements in the admin: read-only; an application is taken back through its service."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin
from invoicing.models import CustomerStatement, PaymentApplication
from invoicing.services.payments import payment_application_unapply


@admin.register(CustomerStatement)
class CustomerStatementAdmin(DocumentAdmin):
    list_display = ("customer", "date_from", "date_to", "to", "queued_at", "sent_at", "failed_at")
    list_filter = ("queued_at", "sent_at")
    search_fields = ("customer__number", "customer__party__name", "to")
    list_select_related = ("customer__party",)


@admin.register(PaymentApplication)
class PaymentApplicationAdmin(DocumentAdmin):
    list_display = ("__str__", "payment", "credit_note", "invoice", "amount", "applied_at", "unapplied_at")
    list_filter = ("applied_at", ("unapplied_at", admin.EmptyFieldListFilter))
    search_fields = ("payment__number", "invoice__number", "credit_note__number")
    list_select_related = ("payment", "credit_note", "invoice")
    actions = ("unapply",)

    @admin.action(description=_("Un-apply (kept on record)"), permissions=["unapply"])
    def unapply(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda application: payment_application_unapply(application=application, by=request.user),
            done=ngettext_lazy("%(count)d application taken back.", "%(count)d applications taken back.", "count"),
        )

    def has_unapply_permission(self, request):
        return request.user.has_perm("invoicing.change_paymentapplication")

"""Invoices in the admin: read-only documents; posting calls the invoice service."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin, ReadOnlyInline, TransitionLogInline
from invoicing.choices import InvoiceState
from invoicing.models import (
    Invoice,
    InvoiceEmail,
    InvoiceLine,
    InvoiceTax,
    PaymentApplication,
)
from invoicing.selectors.invoices import invoice_filter_overdue
from invoicing.services.credit_notes import invoice_cancel
from invoicing.services.invoice_emails import invoice_email_send
from invoicing.services.invoices import invoice_delete, invoice_post


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("Overdue")), ("no", _("Not overdue")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return invoice_filter_overdue(queryset)
        if self.value() == "no":
            return queryset.exclude(pk__in=invoice_filter_overdue(queryset).values("pk"))
        return queryset


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = (
        "line_no",
        "item",
        "description",
        "quantity",
        "unit",
        "unit_price",
        "discount_percent",
        "tax_code",
        "net_amount",
        "revenue_account",
        "packing_slip",
    )
    related = ("item", "tax_code", "revenue_account", "packing_slip_line__packing_slip")

    @admin.display(description=_("packing slip"))
    def packing_slip(self, line: InvoiceLine) -> str:
        return str(line.packing_slip_line.packing_slip) if line.packing_slip_line else ""


class InvoiceTaxInline(ReadOnlyInline):
    model = InvoiceTax
    fields = ("tax_code", "rate", "base", "amount")
    related = ("tax_code",)


class InvoicePaymentInline(ReadOnlyInline):
    model = PaymentApplication
    fk_name = "invoice"
    fields = ("payment", "credit_note", "amount", "applied_at", "unapplied_at", "unapplied_by")
    related = ("payment", "credit_note", "unapplied_by")
    verbose_name_plural = _("payments applied")


class InvoiceEmailInline(ReadOnlyInline):
    model = InvoiceEmail
    fields = ("to", "queued_at", "sent_at", "failed_at", "error", "created_by")
    related = ("created_by",)


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    list_display = (
        "__str__",
        "customer_name",
        "order",
        "invoice_date",
        "due_date",
        "state",
        "payment_state",
        "amount_total",
        "amount_paid",
        "overdue",
    )
    list_filter = ("kind", "state", "payment_state", OverdueFilter, "basis", "currency", "invoice_date")
    search_fields = ("number", "customer__number", "customer__party__name", "order__number")
    list_select_related = ("customer__party", "order")
    date_hierarchy = "invoice_date"
    readonly_fields = ("amount_open",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "kind",
                    "customer",
                    "order",
                    "subscription_period",
                    "quotation",
                    "basis",
                    "state",
                    "payment_state",
                    "credit_kind",
                    "credited_invoice",
                    "credit_reason",
                    "corrects",
                )
            },
        ),
        (_("Dates"), {"fields": ("invoice_date", "due_date", "posted_at", "posted_by")}),
        (
            _("Amounts"),
            {"fields": ("currency", "amount_net", "amount_tax", "amount_total", "amount_paid", "amount_open")},
        ),
        (_("Document"), {"fields": ("pdf",)}),
        (_("History"), {"fields": ("created_at", "created_by", "updated_at")}),
    )
    inlines = (InvoiceLineInline, InvoiceTaxInline, InvoicePaymentInline, InvoiceEmailInline, TransitionLogInline)
    actions = ("post_invoices", "email_invoices", "cancel_invoices")

    @admin.display(description=_("customer"), ordering="customer__party__name")
    def customer_name(self, obj: Invoice) -> str:
        return f"{obj.customer.number} {obj.customer.party.name}"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: Invoice) -> bool:
        return obj.is_overdue()

    @admin.display(description=_("open"))
    def amount_open(self, obj: Invoice):
        return obj.amount_open

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer__party", "order", "posted_by", "created_by")

    def has_post_permission(self, request):
        return request.user.has_perm("invoicing.post_invoice")

    def has_delete_permission(self, request, obj=None):
        # A posted invoice was sent and booked: it is corrected by a credit note, never deleted.
        if obj is not None and obj.state != InvoiceState.DRAFT:
            return False
        return request.user.has_perm("invoicing.delete_invoice")

    def delete_model(self, request, obj):
        invoice_delete(invoice=obj, by=request.user)

    @admin.action(description=_("Post selected invoices"), permissions=["post"])
    def post_invoices(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda invoice: invoice_post(invoice=invoice, by=request.user),
            done=ngettext_lazy("%(count)d invoice posted.", "%(count)d invoices posted.", "count"),
        )

    def has_email_permission(self, request):
        return request.user.has_perm("invoicing.send_invoice")

    @admin.action(description=_("Email selected invoices to the customers"), permissions=["email"])
    def email_invoices(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda invoice: invoice_email_send(invoice=invoice, by=request.user),
            done=ngettext_lazy("%(count)d invoice email queued.", "%(count)d invoice emails queued.", "count"),
        )

    def has_cancel_permission(self, request):
        return request.user.has_perm("invoicing.cancel_invoice")

    @admin.action(description=_("Cancel selected unpaid invoices (post a full credit note)"), permissions=["cancel"])
    def cancel_invoices(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda invoice: invoice_cancel(invoice=invoice, by=request.user),
            done=ngettext_lazy("%(count)d invoice canceled.", "%(count)d invoices canceled.", "count"),
        )

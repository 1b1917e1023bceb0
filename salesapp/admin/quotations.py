"""Quotations in the admin: read-only documents with their lines and revisions; the actions call the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin, ReadOnlyInline, TransitionLogInline
from salesapp.models import Quotation, QuotationEmail, QuotationLine, QuotationRevision, QuotationRevisionLine
from salesapp.services.quotations import quotation_accept, quotation_cancel, quotation_send

LINE_FIELDS = (
    "line_no",
    "line_type",
    "item",
    "description",
    "quantity",
    "unit_price",
    "discount_percent",
    "price_source",
    "tax_code",
    "net_amount",
)


class QuotationLineInline(ReadOnlyInline):
    model = QuotationLine
    fields = LINE_FIELDS
    related = ("item", "tax_code")


class QuotationRevisionInline(ReadOnlyInline):
    model = QuotationRevision
    fields = ("number", "valid_until", "amount_net", "amount_total", "created_by", "created_at")
    show_change_link = True
    related = ("created_by",)


class QuotationEmailInline(ReadOnlyInline):
    model = QuotationEmail
    fields = ("revision", "to", "queued_at", "sent_at", "failed_at", "error", "created_by")
    related = ("created_by",)


@admin.register(Quotation)
class QuotationAdmin(DocumentAdmin):
    list_display = ("number", "recipient", "quotation_date", "valid_until", "state", "current_revision", "amount_total")
    list_filter = ("state", "currency", "valid_until")
    search_fields = ("number", "customer__number", "customer__party__name", "party__name", "external_document_number")
    list_select_related = ("customer__party", "party")
    date_hierarchy = "quotation_date"
    inlines = (QuotationLineInline, QuotationRevisionInline, QuotationEmailInline, TransitionLogInline)
    actions = ("send_quotations", "accept_current_revision", "cancel_quotations")

    @admin.display(description=_("customer or prospect"))
    def recipient(self, obj: Quotation) -> str:
        return obj.recipient_name

    def has_send_permission(self, request):
        return request.user.has_perm("salesapp.send_quotation")

    def has_accept_permission(self, request):
        return request.user.has_perm("salesapp.accept_quotation")

    def has_cancel_permission(self, request):
        return request.user.has_perm("salesapp.change_quotation")

    @admin.action(description=_("Send selected quotations"), permissions=["send"])
    def send_quotations(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda quotation: quotation_send(quotation=quotation, by=request.user),
            done=ngettext_lazy("%(count)d quotation sent.", "%(count)d quotations sent.", "count"),
        )

    @admin.action(description=_("Accept the revision last sent (creates the sales order)"), permissions=["accept"])
    def accept_current_revision(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda quotation: quotation_accept(
                quotation=quotation, revision=quotation.current_revision or 0, by=request.user
            ),
            done=ngettext_lazy("%(count)d quotation accepted.", "%(count)d quotations accepted.", "count"),
        )

    @admin.action(description=_("Cancel selected quotations"), permissions=["cancel"])
    def cancel_quotations(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda quotation: quotation_cancel(quotation=quotation, by=request.user),
            done=ngettext_lazy("%(count)d quotation canceled.", "%(count)d quotations canceled.", "count"),
        )


class QuotationRevisionLineInline(ReadOnlyInline):
    model = QuotationRevisionLine
    fields = LINE_FIELDS
    related = ("item", "tax_code")


@admin.register(QuotationRevision)
class QuotationRevisionAdmin(DocumentAdmin):
    """What the customer was sent: frozen, guarded by the database."""

    list_display = ("__str__", "valid_until", "amount_total", "created_by", "created_at")
    list_select_related = ("quotation", "created_by")
    search_fields = ("quotation__number",)
    inlines = (QuotationRevisionLineInline,)

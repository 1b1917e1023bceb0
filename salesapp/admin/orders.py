"""Sales orders in the admin: read-only documents; the actions call the order services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin, ExternalReferenceInline, ReadOnlyInline, TransitionLogInline
from salesapp.models import (
    OrderApprovalDecision,
    OrderConfirmation,
    PackingSlip,
    SalesOrder,
    SalesOrderLine,
    ShipDateNotice,
    SubscriptionPeriod,
    SubscriptionPeriodLine,
)
from salesapp.selectors.orders import order_get, order_progress
from salesapp.services.approvals import order_approve
from salesapp.services.orders import order_cancel, order_confirm, order_release_hold


class SalesOrderLineInline(ReadOnlyInline):
    model = SalesOrderLine
    fields = (
        "line_no",
        "line_type",
        "item",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "tax_code",
        "net_amount",
        "returned_line",
        "qty_delivered",
        "qty_returned",
        "qty_invoiced",
        "qty_closed_short",
        "close_short_reason",
        "deliver_remainder",
        "invoice_remainder",
    )
    related = ("item", "tax_code", "returned_line__order")

    @admin.display(description=_("to deliver"))
    def deliver_remainder(self, line: SalesOrderLine):
        return line.deliver_remainder

    @admin.display(description=_("to invoice"))
    def invoice_remainder(self, line: SalesOrderLine):
        return line.invoice_remainder


class OrderPackingSlipInline(ReadOnlyInline):
    model = PackingSlip
    fields = ("number", "ship_date", "state", "posted_at")
    show_change_link = True
    verbose_name_plural = _("packing slips")


class SubscriptionPeriodInline(ReadOnlyInline):
    model = SubscriptionPeriod
    fields = ("period_start", "period_end", "billed_at", "billed_by")
    related = ("billed_by",)
    show_change_link = True
    verbose_name_plural = _("billed periods")


class OrderConfirmationInline(ReadOnlyInline):
    model = OrderConfirmation
    fields = ("version", "to", "queued_at", "sent_at", "failed_at", "error", "created_by")
    related = ("created_by",)


@admin.register(SalesOrder)
class SalesOrderAdmin(DocumentAdmin):
    list_display = (
        "number",
        "customer_name",
        "order_date",
        "order_type",
        "state",
        "amount_net",
        "amount_total",
        "currency",
    )
    list_filter = ("state", "on_hold", "order_type", "currency", "order_date")
    search_fields = (
        "number",
        "customer__number",
        "customer__party__name",
        "customer_reference",
        "external_document_number",
        "rma_number",
    )
    list_select_related = ("customer__party",)
    date_hierarchy = "order_date"
    readonly_fields = ("progress",)
    fieldsets = (
        (None, {"fields": ("number", "customer", "order_type", "state", "progress")}),
        (_("Return"), {"fields": ("rma_number", "return_reason"), "classes": ("collapse",)}),
        (
            _("Dates and references"),
            {"fields": ("order_date", "requested_ship_date", "customer_reference", "external_document_number")},
        ),
        (_("Subscription"), {"fields": ("billing_period", "next_billing_date", "subscription_end_date")}),
        (_("Amounts"), {"fields": ("currency", "amount_net", "amount_tax", "amount_total")}),
        (
            _("Approval and hold"),
            {
                "fields": (
                    "approval_requested_by",
                    "approval_requested_at",
                    "approval_reason",
                    "on_hold",
                    "hold_reason",
                    "held_for_prepayment",
                    "held_at",
                    "held_by",
                )
            },
        ),
        (
            _("History"),
            {"fields": ("confirmed_at", "canceled_at", "cancel_reason", "created_at", "created_by", "updated_at")},
        ),
    )
    inlines = (
        SalesOrderLineInline,
        OrderPackingSlipInline,
        SubscriptionPeriodInline,
        OrderConfirmationInline,
        ExternalReferenceInline,
        TransitionLogInline,
    )
    actions = ("confirm_orders", "approve_orders", "release_holds", "cancel_orders")

    @admin.display(description=_("customer"), ordering="customer__party__name")
    def customer_name(self, obj: SalesOrder) -> str:
        return f"{obj.customer.number} {obj.customer.party.name}"

    @admin.display(description=_("progress"))
    def progress(self, obj: SalesOrder) -> str:
        return order_progress(order_get(pk=obj.pk))["summary"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer__party")

    def has_confirm_permission(self, request):
        return request.user.has_perm("salesapp.confirm_salesorder")

    def has_cancel_permission(self, request):
        return request.user.has_perm("salesapp.cancel_salesorder")

    @admin.action(description=_("Confirm selected orders"), permissions=["confirm"])
    def confirm_orders(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda order: order_confirm(order=order, by=request.user),
            done=ngettext_lazy("%(count)d order confirmed.", "%(count)d orders confirmed.", "count"),
        )

    def has_approve_permission(self, request):
        return request.user.has_perm("salesapp.approve_salesorder")

    def has_hold_permission(self, request):
        return request.user.has_perm("salesapp.hold_salesorder")

    @admin.action(description=_("Approve selected orders"), permissions=["approve"])
    def approve_orders(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda order: order_approve(order=order, by=request.user, comment=str(_("Approved in the admin."))),
            done=ngettext_lazy("%(count)d order approved.", "%(count)d orders approved.", "count"),
        )

    @admin.action(description=_("Release selected orders from hold"), permissions=["hold"])
    def release_holds(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda order: order_release_hold(order=order, by=request.user),
            done=ngettext_lazy("%(count)d order released.", "%(count)d orders released.", "count"),
        )

    @admin.action(description=_("Cancel selected orders"), permissions=["cancel"])
    def cancel_orders(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda order: order_cancel(order=order, reason=str(_("Canceled in the admin.")), by=request.user),
            done=ngettext_lazy("%(count)d order canceled.", "%(count)d orders canceled.", "count"),
        )


@admin.register(OrderApprovalDecision)
class OrderApprovalDecisionAdmin(DocumentAdmin):
    list_display = ("order", "decision", "decided_by", "decided_at", "requested_by", "notified_at")
    list_filter = ("decision", "decided_at")
    search_fields = ("order__number", "comment", "decided_by__username", "requested_by__username")
    list_select_related = ("order", "decided_by", "requested_by")


class SubscriptionPeriodLineInline(ReadOnlyInline):
    model = SubscriptionPeriodLine
    fields = ("order_line", "qty_delivered", "qty_invoiced")
    related = ("order_line__order",)


@admin.register(SubscriptionPeriod)
class SubscriptionPeriodAdmin(DocumentAdmin):
    list_display = ("order", "period_start", "period_end", "billed_at", "billed_by")
    list_filter = ("period_start", "billed_at")
    search_fields = ("order__number", "order__customer__party__name")
    list_select_related = ("order", "billed_by")
    date_hierarchy = "period_start"
    inlines = (SubscriptionPeriodLineInline,)


@admin.register(ShipDateNotice)
class ShipDateNoticeAdmin(DocumentAdmin):
    """The emails telling customers new ship dates of their backorder lines."""

    list_display = ("customer", "to", "queued_at", "sent_at", "failed_at", "created_by")
    list_filter = ("queued_at", "sent_at")
    search_fields = ("customer__number", "customer__party__name", "to")
    list_select_related = ("customer__party", "created_by")

"""Packing slips in the admin: read-only documents; posting calls the packing slip service."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin, ReadOnlyInline, TransitionLogInline
from salesapp.choices import PackingSlipState
from salesapp.models import PackingSlip, PackingSlipLine, ShippingNotice
from salesapp.services.packing_slips import packing_slip_cancel, packing_slip_delete, packing_slip_post
from salesapp.services.shipping_notices import shipping_notice_send


class PackingSlipLineInline(ReadOnlyInline):
    model = PackingSlipLine
    fields = ("order_line", "item", "description", "quantity", "disposition", "qty_invoiced")
    related = ("order_line__order", "order_line__item")

    @admin.display(description=_("item"))
    def item(self, line: PackingSlipLine) -> str:
        return line.order_line.item.number if line.order_line.item else ""

    @admin.display(description=_("description"))
    def description(self, line: PackingSlipLine) -> str:
        return line.order_line.description


class ShippingNoticeInline(ReadOnlyInline):
    model = ShippingNotice
    fields = ("to", "queued_at", "sent_at", "failed_at", "error", "created_by")
    related = ("created_by",)


@admin.register(PackingSlip)
class PackingSlipAdmin(DocumentAdmin):
    list_display = ("__str__", "order", "customer_name", "ship_date", "state", "posted_at")
    list_filter = ("state", "ship_date")
    search_fields = ("number", "order__number", "order__customer__number", "order__customer__party__name")
    list_select_related = ("order__customer__party",)
    date_hierarchy = "ship_date"
    fieldsets = (
        (None, {"fields": ("number", "order", "state", "ship_date", "posted_at", "canceled_at", "cancel_reason")}),
        (_("History"), {"fields": ("created_at", "created_by", "updated_at")}),
    )
    inlines = (PackingSlipLineInline, ShippingNoticeInline, TransitionLogInline)
    actions = ("post_packing_slips", "cancel_packing_slips", "send_shipping_notices")

    @admin.display(description=_("customer"), ordering="order__customer__party__name")
    def customer_name(self, obj: PackingSlip) -> str:
        return obj.order.customer.party.name

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order__customer__party")

    def has_post_permission(self, request):
        return request.user.has_perm("salesapp.post_packingslip")

    def has_notify_permission(self, request):
        return request.user.has_perm("salesapp.send_shippingnotice")

    def has_cancel_permission(self, request):
        return request.user.has_perm("salesapp.cancel_packingslip")

    def has_delete_permission(self, request, obj=None):
        # Only a draft delivery may be thrown away; a posted one moved goods.
        if obj is not None and obj.state != PackingSlipState.DRAFT:
            return False
        return request.user.has_perm("salesapp.delete_packingslip")

    def delete_model(self, request, obj):
        packing_slip_delete(packing_slip=obj, by=request.user)

    @admin.action(description=_("Post selected packing slips"), permissions=["post"])
    def post_packing_slips(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda slip: packing_slip_post(packing_slip=slip, by=request.user),
            done=ngettext_lazy("%(count)d packing slip posted.", "%(count)d packing slips posted.", "count"),
        )

    @admin.action(description=_("Cancel selected packing slips"), permissions=["cancel"])
    def cancel_packing_slips(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda slip: packing_slip_cancel(
                packing_slip=slip, reason=str(_("Canceled in the admin.")), by=request.user
            ),
            done=ngettext_lazy("%(count)d packing slip canceled.", "%(count)d packing slips canceled.", "count"),
        )

    @admin.action(description=_("Send shipping notice again"), permissions=["notify"])
    def send_shipping_notices(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda slip: shipping_notice_send(packing_slip=slip, by=request.user),
            done=ngettext_lazy("%(count)d shipping notice queued.", "%(count)d shipping notices queued.", "count"),
        )

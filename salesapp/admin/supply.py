"""Inbound supply and stock moves in the admin: supply lines are entered, changed, received and canceled through
the services; moves are the stock ledger, shown as booked and never changed here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import OneAtATimeDeleteMixin, ServiceAdminMixin
from salesapp.choices import SupplyState
from salesapp.models import InboundSupplyLine, StockMove
from salesapp.services.line_supply import supply_receive
from salesapp.services.supply import supply_line_cancel, supply_line_create, supply_line_update

EDITABLE_FIELDS = ("vendor", "item", "quantity", "expected_date", "reference")


@admin.register(InboundSupplyLine)
class InboundSupplyLineAdmin(OneAtATimeDeleteMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("number", "vendor", "item", "quantity", "qty_received", "expected_date", "state", "reference")
    list_filter = ("state", "vendor")
    search_fields = ("number", "reference", "vendor__name", "item__number")
    list_select_related = ("vendor", "item")
    autocomplete_fields = ("vendor", "item")
    date_hierarchy = "expected_date"
    fields = ("number", "state", *EDITABLE_FIELDS, "qty_received", "order_line", "created_by")
    readonly_fields = ("number", "state", "qty_received", "order_line", "created_by")
    actions = ("receive", "cancel")

    def get_readonly_fields(self, request, obj=None):
        # Only an open line changes (the service refuses otherwise).
        if obj is not None and obj.state != SupplyState.OPEN:
            return (*self.readonly_fields, *EDITABLE_FIELDS)
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # A supply line is canceled, never deleted: its number was given to the vendor.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data}
        if change:
            saved = supply_line_update(supply_line=obj, by=request.user, **fields)
        else:
            saved = supply_line_create(by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(
        description=_("Receive what is still to come on the selected lines"),
        permissions=["receive"],
    )
    def receive(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda line: supply_receive(supply_line=line, quantity=line.remaining, by=request.user),
            done=ngettext_lazy("%(count)d supply line received.", "%(count)d supply lines received.", "count"),
        )

    def has_receive_permission(self, request):
        return request.user.has_perm("salesapp.receive_inboundsupplyline")

    @admin.action(description=_("Cancel the selected lines (short-close what came in part)"), permissions=["change"])
    def cancel(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda line: supply_line_cancel(supply_line=line, by=request.user),
            done=ngettext_lazy("%(count)d supply line closed.", "%(count)d supply lines closed.", "count"),
        )


@admin.register(StockMove)
class StockMoveAdmin(admin.ModelAdmin):
    """The stock ledger: booked by the documents and adjustments, guarded by the database."""

    list_display = ("moved_at", "item", "kind", "quantity", "moved_on", "reason", "created_by")
    list_filter = ("kind",)
    search_fields = ("item__number", "item__name")
    list_select_related = ("item", "created_by")
    date_hierarchy = "moved_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

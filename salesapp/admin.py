from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin, ReadOnlyInline, ServiceAdminMixin, TransitionLogInline
from salesapp.choices import PackingSlipState
from salesapp.models import Customer, Item, PackingSlip, PackingSlipLine, SalesOrder, SalesOrderLine, TaxCode
from salesapp.selectors import order_get, order_progress
from salesapp.services.customers import CUSTOMER_FIELDS, customer_create, customer_update
from salesapp.services.items import ITEM_FIELDS, item_create, item_update
from salesapp.services.orders import order_cancel, order_confirm
from salesapp.services.packing_slips import packing_slip_delete, packing_slip_post


@admin.register(TaxCode)
class TaxCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rate", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Ledger set-up and data migrations refer to a tax code by its code.
        return ("code",) if obj is not None else ()


@admin.register(Customer)
class CustomerAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "party_name",
        "city",
        "country",
        "currency",
        "payment_terms_days",
        "credit_limit",
        "blocked",
    )
    list_filter = ("blocked", "currency", "payment_terms_days", "party__country")
    search_fields = ("number", "party__name", "party__email", "party__city")
    list_select_related = ("party",)
    autocomplete_fields = ("party",)
    fields = (
        "party",
        "number",
        "currency",
        "payment_terms_days",
        "credit_limit",
        "blocked",
        "blocked_reason",
        "created_at",
        "created_by",
    )

    @admin.display(description=_("name"), ordering="party__name")
    def party_name(self, obj: Customer) -> str:
        return obj.party.name

    @admin.display(description=_("city"), ordering="party__city")
    def city(self, obj: Customer) -> str:
        return obj.party.city

    @admin.display(description=_("country"), ordering="party__country")
    def country(self, obj: Customer) -> str:
        return obj.party.country

    def get_readonly_fields(self, request, obj=None):
        # The number comes from the customer series; the account stays on the party it was opened for.
        if obj is not None:
            return ("party", "number", "created_at", "created_by")
        return ("number", "created_at", "created_by")

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in CUSTOMER_FIELDS if name in form.cleaned_data}
        if change:
            saved = customer_update(customer=obj, by=request.user, **fields)
        else:
            saved = customer_create(party=form.cleaned_data["party"], by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(Item)
class ItemAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "item_type", "unit", "unit_price", "tax_code", "active")
    list_filter = ("item_type", "active", "tax_code")
    search_fields = ("number", "name")
    list_select_related = ("tax_code",)
    readonly_fields = ("created_at", "created_by", "updated_at")

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ITEM_FIELDS if name in form.cleaned_data}
        if change:
            saved = item_update(item=obj, by=request.user, **fields)
        else:
            saved = item_create(by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()


class SalesOrderLineInline(ReadOnlyInline):
    model = SalesOrderLine
    fields = (
        "line_no",
        "item",
        "quantity",
        "unit_price",
        "discount_percent",
        "tax_code",
        "net_amount",
        "qty_delivered",
        "qty_invoiced",
        "qty_closed_short",
        "deliver_remainder",
        "invoice_remainder",
    )
    related = ("item", "tax_code")

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
    list_filter = ("state", "order_type", "currency", "order_date")
    search_fields = (
        "number",
        "customer__number",
        "customer__party__name",
        "customer_reference",
        "external_document_number",
    )
    list_select_related = ("customer__party",)
    date_hierarchy = "order_date"
    readonly_fields = ("progress",)
    fieldsets = (
        (None, {"fields": ("number", "customer", "order_type", "state", "progress")}),
        (
            _("Dates and references"),
            {"fields": ("order_date", "requested_ship_date", "customer_reference", "external_document_number")},
        ),
        (_("Amounts"), {"fields": ("currency", "amount_net", "amount_tax", "amount_total")}),
        (
            _("History"),
            {"fields": ("confirmed_at", "canceled_at", "cancel_reason", "created_at", "created_by", "updated_at")},
        ),
    )
    inlines = (SalesOrderLineInline, OrderPackingSlipInline, TransitionLogInline)
    actions = ("confirm_orders", "cancel_orders")

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

    @admin.action(description=_("Cancel selected orders"), permissions=["cancel"])
    def cancel_orders(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda order: order_cancel(order=order, reason=str(_("Canceled in the admin.")), by=request.user),
            done=ngettext_lazy("%(count)d order canceled.", "%(count)d orders canceled.", "count"),
        )


class PackingSlipLineInline(ReadOnlyInline):
    model = PackingSlipLine
    fields = ("order_line", "item", "description", "quantity", "qty_invoiced")
    related = ("order_line__order", "order_line__item")

    @admin.display(description=_("item"))
    def item(self, line: PackingSlipLine) -> str:
        return line.order_line.item.number if line.order_line.item else ""

    @admin.display(description=_("description"))
    def description(self, line: PackingSlipLine) -> str:
        return line.order_line.description


@admin.register(PackingSlip)
class PackingSlipAdmin(DocumentAdmin):
    list_display = ("__str__", "order", "customer_name", "ship_date", "state", "posted_at")
    list_filter = ("state", "ship_date")
    search_fields = ("number", "order__number", "order__customer__number", "order__customer__party__name")
    list_select_related = ("order__customer__party",)
    date_hierarchy = "ship_date"
    fieldsets = (
        (None, {"fields": ("number", "order", "state", "ship_date", "posted_at")}),
        (_("History"), {"fields": ("created_at", "created_by", "updated_at")}),
    )
    inlines = (PackingSlipLineInline, TransitionLogInline)
    actions = ("post_packing_slips",)

    @admin.display(description=_("customer"), ordering="order__customer__party__name")
    def customer_name(self, obj: PackingSlip) -> str:
        return obj.order.customer.party.name

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order__customer__party")

    def has_post_permission(self, request):
        return request.user.has_perm("salesapp.post_packingslip")

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

"""Price groups, item groups, tax groups, tax determination and trade agreement lines in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import OneAtATimeDeleteMixin, ServiceAdminMixin
from salesapp.models import (
    CustomerPriceGroup,
    CustomerTaxGroup,
    ItemGroup,
    ItemTaxGroup,
    TaxDetermination,
    TradeAgreementLine,
)
from salesapp.services.pricing import (
    TRADE_AGREEMENT_FIELDS,
    pricing_group_create,
    pricing_group_update,
    tax_determination_delete,
    tax_determination_set,
    trade_agreement_line_create,
    trade_agreement_line_deactivate,
    trade_agreement_line_delete,
    trade_agreement_line_update,
)


class _GroupAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ("code", "name")}
        if change:
            saved = pricing_group_update(group=obj, by=request.user, **fields)
        else:
            saved = pricing_group_create(model=type(obj), by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()


admin.site.register(CustomerPriceGroup, _GroupAdmin)
admin.site.register(ItemGroup, _GroupAdmin)
admin.site.register(CustomerTaxGroup, _GroupAdmin)
admin.site.register(ItemTaxGroup, _GroupAdmin)


@admin.register(TaxDetermination)
class TaxDeterminationAdmin(OneAtATimeDeleteMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("customer_tax_group", "item_tax_group", "tax_code")
    list_filter = ("customer_tax_group", "item_tax_group", "tax_code")
    search_fields = ("customer_tax_group__code", "item_tax_group__code", "tax_code__code")
    list_select_related = ("customer_tax_group", "item_tax_group", "tax_code")
    autocomplete_fields = ("customer_tax_group", "item_tax_group")

    def save_model(self, request, obj, form, change):
        saved = tax_determination_set(
            customer_tax_group=form.cleaned_data["customer_tax_group"],
            item_tax_group=form.cleaned_data["item_tax_group"],
            tax_code=form.cleaned_data["tax_code"],
            by=request.user,
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        tax_determination_delete(determination=obj, by=request.user)


@admin.register(TradeAgreementLine)
class TradeAgreementLineAdmin(OneAtATimeDeleteMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "kind",
        "applies_to",
        "customer",
        "price_group",
        "item",
        "item_group",
        "currency",
        "unit",
        "from_quantity",
        "valid_from",
        "valid_to",
        "unit_price",
        "discount_percent",
        "active",
    )
    list_filter = ("kind", "applies_to", "active", "currency", "price_group", "item_group")
    search_fields = ("item__number", "item__name", "customer__number", "customer__party__name", "price_group__code")
    list_select_related = ("customer__party", "price_group", "item", "item_group")
    autocomplete_fields = ("customer", "price_group", "item", "item_group")
    readonly_fields = ("created_at", "created_by", "updated_at")
    actions = ["deactivate"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in TRADE_AGREEMENT_FIELDS if name in form.cleaned_data}
        if change:
            saved = trade_agreement_line_update(line=obj, by=request.user, **fields)
        else:
            saved = trade_agreement_line_create(by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        trade_agreement_line_delete(line=obj, by=request.user)

    @admin.action(description=_("Deactivate the selected lines"), permissions=["change"])
    def deactivate(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda line: trade_agreement_line_deactivate(line=line, by=request.user),
            done=ngettext_lazy("%(count)d line deactivated.", "%(count)d lines deactivated.", "count"),
        )

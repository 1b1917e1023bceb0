"""Items in the admin: saved through the item services."""

from django import forms
from django.contrib import admin

from core.admin import ServiceAdminMixin
from core.money import ZERO
from salesapp.models import Item
from salesapp.services.items import ITEM_FIELDS, item_create, item_update


class ItemAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Unknown cost is zero, as on the item page: the below-cost check at line entry never fires for it.
        self.fields["unit_cost"].required = False

    def clean_unit_cost(self):
        return self.cleaned_data.get("unit_cost") or ZERO


@admin.register(Item)
class ItemAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ItemAdminForm
    list_display = ("number", "name", "item_type", "unit", "unit_price", "unit_cost", "tax_code", "active")
    list_filter = ("item_type", "active", "tax_code", "item_group", "tax_group")
    autocomplete_fields = ("item_group", "tax_group")
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

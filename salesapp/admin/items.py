"""Items in the admin: saved through the item services."""

from django.contrib import admin

from core.admin import ServiceAdminMixin
from salesapp.models import Item
from salesapp.services.items import ITEM_FIELDS, item_create, item_update


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

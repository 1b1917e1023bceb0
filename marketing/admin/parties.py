from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdminMixin
from marketing.models import Party
from marketing.services.parties import PARTY_FIELDS, party_create, party_update


@admin.register(Party)
class PartyAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "role", "postcode", "city", "country", "email", "phone", "language")
    list_filter = ("kind", "country", "language")
    search_fields = ("name", "email", "city", "postcode", "vat_number")
    # The customer account is a reverse one-to-one: joined here so the role column costs no query per row.
    list_select_related = ("customer",)
    readonly_fields = ("created_at", "created_by", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "name", "vat_number", "language")}),
        (_("Contact"), {"fields": ("email", "phone")}),
        (_("Address"), {"fields": ("street", "postcode", "city", "country")}),
        (_("History"), {"fields": ("created_at", "created_by", "updated_at")}),
    )

    @admin.display(description=_("role"))
    def role(self, obj: Party) -> str:
        return _("Customer") if hasattr(obj, "customer") else _("Prospect")

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in PARTY_FIELDS if name in form.cleaned_data}
        if change:
            saved = party_update(party=obj, by=request.user, **fields)
        else:
            saved = party_create(by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

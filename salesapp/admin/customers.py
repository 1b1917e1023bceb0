"""Customer accounts in the admin: saved through the customer services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdminMixin
from core.external_references import external_references_of
from salesapp.models import Customer
from salesapp.services.customers import (
    CREDIT_FIELDS,
    CREDIT_PERMISSION,
    CUSTOMER_FIELDS,
    customer_create,
    customer_update,
)


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
    list_filter = (
        "blocked",
        "prepayment_required",
        "invoice_monthly",
        "currency",
        "price_group",
        "tax_group",
        "payment_terms_days",
        "party__country",
    )
    search_fields = ("number", "party__name", "party__email", "party__city")
    list_select_related = ("party",)
    autocomplete_fields = ("party", "price_group", "tax_group")
    fields = (
        "party",
        "number",
        "currency",
        "price_group",
        "tax_group",
        "invoice_monthly",
        "payment_terms_days",
        "credit_limit",
        "approval_threshold",
        "prepayment_required",
        "blocked",
        "blocked_reason",
        "created_at",
        "created_by",
        "external_references",
    )

    @admin.display(description=_("external references"))
    def external_references(self, obj: Customer) -> str:
        # Coupled through the API (core.external_references); read here.
        references = external_references_of(obj) if obj.pk else []
        return ", ".join(f"{reference.system}: {reference.external_id}" for reference in references) or "—"

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
        fixed = (
            ("party", "number", "created_at", "created_by", "external_references")
            if obj is not None
            else ("number", "created_at", "created_by", "external_references")
        )
        if request.user.has_perm(CREDIT_PERMISSION):
            return fixed
        return (*fixed, *CREDIT_FIELDS)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in CUSTOMER_FIELDS if name in form.cleaned_data}
        if change:
            saved = customer_update(customer=obj, by=request.user, **fields)
        else:
            saved = customer_create(party=form.cleaned_data["party"], by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

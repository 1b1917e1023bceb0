"""Exchange rates in the admin: saved and removed through the exchange rate service."""

from django.contrib import admin

from core.admin import OneAtATimeDeleteMixin, ServiceAdminMixin
from invoicing.models import ExchangeRate
from invoicing.services.exchange_rates import exchange_rate_delete, exchange_rate_set


@admin.register(ExchangeRate)
class ExchangeRateAdmin(OneAtATimeDeleteMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("currency", "valid_from", "rate", "created_by", "updated_at")
    list_filter = ("currency",)
    date_hierarchy = "valid_from"
    list_select_related = ("created_by",)
    readonly_fields = ("created_at", "created_by", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # A rate is the rate of one currency on one day: changing either is entering another rate.
        return (*self.readonly_fields, "currency", "valid_from") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = exchange_rate_set(
            currency=obj.currency, valid_from=obj.valid_from, rate=form.cleaned_data["rate"], by=request.user
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        exchange_rate_delete(exchange_rate=obj, by=request.user)

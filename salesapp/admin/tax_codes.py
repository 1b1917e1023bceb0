"""Tax codes in the admin."""

from django.contrib import admin

from salesapp.models import TaxCode


@admin.register(TaxCode)
class TaxCodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rate", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # Ledger set-up and data migrations refer to a tax code by its code.
        return ("code",) if obj is not None else ()

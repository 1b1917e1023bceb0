"""Ledger accounts, tax accounts and journal entries in the admin (journal entries are read-only)."""

from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from core.admin import DocumentAdmin, ReadOnlyInline
from invoicing.models import (
    JournalEntry,
    JournalLine,
    LedgerAccount,
    TaxCodeAccount,
)


@admin.register(LedgerAccount)
class LedgerAccountAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "kind", "role")
    list_filter = ("kind", "role")
    search_fields = ("number", "name")


@admin.register(TaxCodeAccount)
class TaxCodeAccountAdmin(admin.ModelAdmin):
    list_display = ("tax_code", "account")
    list_select_related = ("tax_code", "account")
    search_fields = ("tax_code__code", "account__number", "account__name")
    ordering = ("tax_code__code",)


class JournalLineInline(ReadOnlyInline):
    model = JournalLine
    fields = ("account", "customer", "description", "debit", "credit")
    related = ("account", "customer__party")


@admin.register(JournalEntry)
class JournalEntryAdmin(DocumentAdmin):
    list_display = ("number", "entry_date", "description", "invoice", "payment", "total")
    list_filter = ("entry_date", "currency")
    search_fields = ("number", "description", "invoice__number", "payment__number")
    list_select_related = ("invoice", "payment")
    date_hierarchy = "entry_date"
    fieldsets = (
        (None, {"fields": ("number", "entry_date", "description", "invoice", "payment")}),
        (_("Currency"), {"fields": ("currency", "exchange_rate")}),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (JournalLineInline,)

    @admin.display(description=_("amount"), ordering="total_debit")
    def total(self, obj: JournalEntry):
        return obj.total_debit

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total_debit=Sum("lines__debit"))

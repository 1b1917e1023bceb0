"""Free text invoices in the admin: a draft's header and lines are saved through the free text services; a posted
one is read-only like every invoice (it is also listed among the invoices)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import OneAtATimeDeleteMixin, ServiceAdminMixin, TransitionLogInline
from invoicing.choices import InvoiceState
from invoicing.models import FreeTextInvoice, InvoiceLine
from invoicing.services.free_text_invoices import (
    FreeTextLineInput,
    free_text_invoice_create,
    free_text_invoice_line_add,
    free_text_invoice_line_delete,
    free_text_invoice_line_update,
    free_text_invoice_update,
    revenue_account_list,
)
from invoicing.services.invoices import invoice_delete, invoice_post

LINE_FIELDS = ("revenue_account", "description", "quantity", "unit_price", "discount_percent", "tax_code", "item")


def _draft(obj) -> bool:
    return obj is None or obj.state == InvoiceState.DRAFT


class FreeTextLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ("line_no", *LINE_FIELDS, "net_amount")
    readonly_fields = ("line_no", "net_amount")
    autocomplete_fields = ("item",)
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("revenue_account", "tax_code", "item").order_by("line_no")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Revenue accounts only; the service refuses any other kind too.
        if db_field.name == "revenue_account":
            kwargs["queryset"] = revenue_account_list()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return _draft(obj) and request.user.has_perm("invoicing.change_invoice")

    def has_change_permission(self, request, obj=None):
        return _draft(obj) and request.user.has_perm("invoicing.change_invoice")

    def has_delete_permission(self, request, obj=None):
        return _draft(obj) and request.user.has_perm("invoicing.change_invoice")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("invoicing.view_invoice")


@admin.register(FreeTextInvoice)
class FreeTextInvoiceAdmin(OneAtATimeDeleteMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "customer", "customer_reference", "invoice_date", "due_date", "state", "amount_total")
    list_filter = ("state", "payment_state", "currency")
    search_fields = ("number", "customer__number", "customer__party__name", "customer_reference")
    list_select_related = ("customer__party",)
    autocomplete_fields = ("customer",)
    fields = (
        "number",
        "state",
        "customer",
        "currency",
        "terms_days",
        "due_date",
        "customer_reference",
        "amount_net",
        "amount_tax",
        "amount_total",
        "invoice_date",
        "posted_at",
    )
    header_fields = ("currency", "terms_days", "due_date", "customer_reference")
    inlines = (FreeTextLineInline, TransitionLogInline)
    actions = ("post_invoices",)

    def get_readonly_fields(self, request, obj=None):
        fixed = ("number", "state", "amount_net", "amount_tax", "amount_total", "invoice_date", "posted_at")
        if obj is None:
            return fixed
        # Who it is for is fixed once drafted; a posted invoice changes no more.
        return (*fixed, "customer", *(() if _draft(obj) else self.header_fields))

    def has_module_permission(self, request):
        return request.user.has_perm("invoicing.view_invoice")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("invoicing.view_invoice")

    def has_add_permission(self, request):
        return request.user.has_perm("invoicing.add_invoice")

    def has_change_permission(self, request, obj=None):
        return _draft(obj) and request.user.has_perm("invoicing.change_invoice")

    def has_delete_permission(self, request, obj=None):
        return _draft(obj) and request.user.has_perm("invoicing.delete_invoice")

    def has_post_permission(self, request):
        return request.user.has_perm("invoicing.post_invoice")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            free_text_invoice_update(
                invoice=obj,
                currency=data["currency"],
                payment_terms_days=data["terms_days"],
                due_date=data["due_date"],
                customer_reference=data["customer_reference"],
                by=request.user,
            )
        else:
            saved = free_text_invoice_create(
                customer=data["customer"],
                lines=[],
                currency=data["currency"],
                payment_terms_days=data["terms_days"],
                due_date=data["due_date"],
                customer_reference=data["customer_reference"],
                by=request.user,
            )
            obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not InvoiceLine:
            return super().save_formset(request, form, formset, change)
        # Lines go through the services, which recompute the totals and taxes after each change; the formset
        # keeps what changed for the admin's change message.
        invoice = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for line_form in formset.forms:
            data = line_form.cleaned_data
            if not data or (line_form.instance.pk is None and not line_form.has_changed()):
                continue
            if data.get("DELETE"):
                if line_form.instance.pk:
                    free_text_invoice_line_delete(invoice_line=line_form.instance, by=request.user)
                    formset.deleted_objects.append(line_form.instance)
                continue
            values = {name: data.get(name) for name in LINE_FIELDS}
            if values["discount_percent"] is None:
                del values["discount_percent"]
            if line_form.instance.pk is None:
                added = free_text_invoice_line_add(invoice=invoice, line=FreeTextLineInput(**values), by=request.user)
                formset.new_objects.append(added)
            elif line_form.has_changed():
                current = InvoiceLine.objects.get(pk=line_form.instance.pk)
                changed = free_text_invoice_line_update(invoice_line=current, by=request.user, **values)
                formset.changed_objects.append((changed, line_form.changed_data))

    def delete_model(self, request, obj):
        invoice_delete(invoice=obj, by=request.user)

    @admin.action(description=_("Post selected invoices"), permissions=["post"])
    def post_invoices(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda invoice: invoice_post(invoice=invoice, by=request.user),
            done=ngettext_lazy("%(count)d invoice posted.", "%(count)d invoices posted.", "count"),
        )

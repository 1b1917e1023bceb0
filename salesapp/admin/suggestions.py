"""Up-sell and cross-sell rules, their events and standard line sets in the admin: saved through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import OneAtATimeDeleteMixin, ServiceAdminMixin
from salesapp.models import ProductRelation, StandardLine, StandardLineSet, SuggestionEvent
from salesapp.services.standard_lines import (
    StandardLineInput,
    standard_line_set_create,
    standard_line_set_delete,
    standard_line_set_update,
)
from salesapp.services.suggestions import (
    RELATION_FIELDS,
    product_relation_create,
    product_relation_deactivate,
    product_relation_delete,
    product_relation_update,
)


@admin.register(ProductRelation)
class ProductRelationAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "item",
        "suggested_item",
        "kind",
        "min_quantity",
        "price_group",
        "valid_from",
        "valid_to",
        "priority",
        "active",
    )
    list_filter = ("kind", "active", "price_group")
    search_fields = ("item__number", "item__name", "suggested_item__number", "suggested_item__name")
    list_select_related = ("item", "suggested_item", "price_group")
    autocomplete_fields = ("item", "suggested_item")
    readonly_fields = ("created_at", "created_by", "updated_at")
    actions = ["deactivate"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in RELATION_FIELDS if name in form.cleaned_data}
        if change:
            saved = product_relation_update(relation=obj, by=request.user, **fields)
        else:
            saved = product_relation_create(by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        product_relation_delete(relation=obj, by=request.user)

    def has_delete_permission(self, request, obj=None):
        # One at a time, through the service: a rule with a history is refused with its reason.
        return obj is not None and super().has_delete_permission(request, obj)

    @admin.action(description=_("Deactivate the selected rules"), permissions=["change"])
    def deactivate(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda relation: product_relation_deactivate(relation=relation, by=request.user),
            done=ngettext_lazy("%(count)s rule deactivated.", "%(count)s rules deactivated.", "count"),
        )


class StandardLineInline(admin.TabularInline):
    model = StandardLine
    fields = ("line_no", "item", "quantity")
    readonly_fields = ("line_no",)
    autocomplete_fields = ("item",)
    extra = 3


@admin.register(StandardLineSet)
class StandardLineSetAdmin(OneAtATimeDeleteMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "customer", "active")
    list_filter = ("active",)
    search_fields = ("name", "customer__number", "customer__party__name")
    list_select_related = ("customer__party",)
    autocomplete_fields = ("customer",)
    readonly_fields = ("created_at", "created_by", "updated_at")
    inlines = [StandardLineInline]

    def save_model(self, request, obj, form, change):
        # The lines arrive with the inline formset: the set is saved with them in save_related.
        pass

    def save_related(self, request, form, formsets, change):
        (lines,) = formsets
        inputs = [
            StandardLineInput(item=row.cleaned_data["item"], quantity=row.cleaned_data["quantity"])
            for row in lines.forms
            if row.cleaned_data and not row.cleaned_data.get("DELETE") and row.cleaned_data.get("item")
        ]
        data = form.cleaned_data
        if change:
            saved = standard_line_set_update(
                line_set=form.instance,
                by=request.user,
                name=data["name"],
                customer=data["customer"],
                active=data["active"],
                lines=inputs,
            )
        else:
            saved = standard_line_set_create(
                name=data["name"], customer=data["customer"], active=data["active"], lines=inputs, by=request.user
            )
        form.instance.pk = saved.pk
        form.instance.refresh_from_db()
        # The admin's history entry reads what the formset saved; the service saved the lines instead.
        lines.new_objects, lines.changed_objects, lines.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        standard_line_set_delete(line_set=obj, by=request.user)


@admin.register(SuggestionEvent)
class SuggestionEventAdmin(admin.ModelAdmin):
    """What became of suggestions: written by the services only."""

    list_display = ("at", "kind", "relation", "order", "quotation", "revenue", "by", "undone_at")
    list_filter = ("kind",)
    search_fields = (
        "order__number",
        "quotation__number",
        "relation__item__number",
        "relation__suggested_item__number",
    )
    list_select_related = ("relation__item", "relation__suggested_item", "order", "quotation", "by")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

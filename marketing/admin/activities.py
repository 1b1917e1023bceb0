"""Admin for activities: saved, completed, reopened and deleted through the activity services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import ServiceAdminMixin
from marketing.models import Activity
from marketing.services.activities import (
    ACTIVITY_EDITABLE_FIELDS,
    activity_complete,
    activity_create,
    activity_delete,
    activity_reopen,
    activity_update,
)

LINK_FIELDS = ("party", "lead", "opportunity", "campaign", "campaign_target")


class ActivityAdminForm(forms.ModelForm):
    """Leaves the links to ``activity_create``: it fills in the party of an opportunity or target before the
    party-or-lead constraint applies, and names the field when none is given."""

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), *LINK_FIELDS}


@admin.register(Activity)
class ActivityAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ActivityAdminForm
    list_display = ("subject", "activity_type", "owner", "due_at", "done", "outcome", "party", "lead")
    list_filter = ("activity_type", "done", "owner")
    search_fields = ("subject", "party__name", "lead__company_name", "lead__contact_name")
    list_select_related = ("owner", "party", "lead")
    date_hierarchy = "due_at"
    raw_id_fields = ("owner", *LINK_FIELDS)
    actions = ("complete_selected", "reopen_selected", "delete_open_selected")
    fieldsets = (
        (None, {"fields": ("activity_type", "subject", "owner", "due_at", "notes")}),
        (_("About"), {"fields": (*LINK_FIELDS, "document_link", "follow_up_of")}),
        (_("Done"), {"fields": ("done", "done_at", "outcome")}),
        (_("History"), {"fields": ("created_at", "created_by", "updated_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Completion has its own action; links stay as the activity was created with them.
        readonly = ["document_link", "follow_up_of", "done", "done_at", "outcome", "created_at", "created_by"]
        readonly.append("updated_at")
        if obj is not None:
            readonly += list(LINK_FIELDS)
            if obj.done:
                readonly += list(ACTIVITY_EDITABLE_FIELDS)
        return readonly

    @admin.display(description=_("document"))
    def document_link(self, obj: Activity) -> str:
        if not obj.document_type_id:
            return "—"
        return str(obj.document or f"{obj.document_type} #{obj.document_id}")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in ACTIVITY_EDITABLE_FIELDS if name in data}
            saved = activity_update(activity=obj, by=request.user, **fields)
        else:
            saved = activity_create(
                by=request.user,
                activity_type=data["activity_type"],
                subject=data["subject"],
                owner=data.get("owner"),
                due_at=data.get("due_at"),
                notes=data.get("notes", ""),
                **{name: data.get(name) for name in LINK_FIELDS},
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        activity_delete(activity=obj, by=request.user)

    def get_actions(self, request):
        # The bulk delete would bypass the service's "done activities stay" rule.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Mark selected activities done"), permissions=["change"])
    def complete_selected(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda activity: activity_complete(activity=activity, by=request.user),
            done=ngettext_lazy("%(count)d activity done.", "%(count)d activities done.", "count"),
        )

    @admin.action(description=_("Reopen selected activities"), permissions=["change"])
    def reopen_selected(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda activity: activity_reopen(activity=activity, by=request.user),
            done=ngettext_lazy("%(count)d activity reopened.", "%(count)d activities reopened.", "count"),
        )

    @admin.action(description=_("Delete selected open activities"), permissions=["delete"])
    def delete_open_selected(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda activity: activity_delete(activity=activity, by=request.user),
            done=ngettext_lazy("%(count)d activity deleted.", "%(count)d activities deleted.", "count"),
        )

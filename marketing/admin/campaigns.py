"""Admin for campaigns, their targets and saved segments: writes go through the campaign services, state changes
only through the admin actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin, ReadOnlyInline, ServiceAdminMixin, TransitionLogInline
from marketing.models import Campaign, CampaignTarget, Segment
from marketing.services.campaigns import (
    CAMPAIGN_FIELDS,
    campaign_activate,
    campaign_cancel,
    campaign_complete,
    campaign_create,
    campaign_update,
)
from marketing.services.segments import segment_create, segment_delete, segment_update


class CampaignTargetInline(ReadOnlyInline):
    model = CampaignTarget
    fields = ("name", "contact_name", "email", "phone", "source", "status", "response", "assigned_to")
    related = ("assigned_to",)
    show_change_link = True
    verbose_name_plural = _("targets")


@admin.register(Campaign)
class CampaignAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("number", "name", "campaign_type", "state", "owner", "start_date", "end_date", "budget")
    list_filter = ("state", "campaign_type", "owner", "start_date")
    search_fields = ("number", "name", "description")
    list_select_related = ("owner",)
    date_hierarchy = "start_date"
    readonly_fields = (
        "number",
        "state",
        "activated_at",
        "completed_at",
        "canceled_at",
        "cancel_reason",
        "created_at",
        "created_by",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("number", "name", "campaign_type", "state", "owner")}),
        (_("Plan"), {"fields": ("start_date", "end_date", "budget", "description")}),
        (_("Email or letter"), {"fields": ("email_subject", "email_body")}),
        (
            _("History"),
            {
                "fields": (
                    "activated_at",
                    "completed_at",
                    "canceled_at",
                    "cancel_reason",
                    "created_at",
                    "created_by",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (CampaignTargetInline, TransitionLogInline)
    actions = ("activate_campaigns", "complete_campaigns", "cancel_campaigns")

    def has_delete_permission(self, request, obj=None):
        # A campaign's targets, responses and attributed leads are its history: cancel it instead.
        return False

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in CAMPAIGN_FIELDS if name in form.cleaned_data}
        if change:
            saved = campaign_update(campaign=obj, by=request.user, **fields)
        else:
            saved = campaign_create(by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description=_("Activate selected campaigns"), permissions=["change"])
    def activate_campaigns(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda campaign: campaign_activate(campaign=campaign, by=request.user),
            done=ngettext_lazy("%(count)d campaign activated.", "%(count)d campaigns activated.", "count"),
        )

    @admin.action(description=_("Complete selected campaigns"), permissions=["change"])
    def complete_campaigns(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda campaign: campaign_complete(campaign=campaign, by=request.user),
            done=ngettext_lazy("%(count)d campaign completed.", "%(count)d campaigns completed.", "count"),
        )

    @admin.action(description=_("Cancel selected campaigns"), permissions=["change"])
    def cancel_campaigns(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda campaign: campaign_cancel(
                campaign=campaign, by=request.user, reason=str(_("Canceled in the admin."))
            ),
            done=ngettext_lazy("%(count)d campaign canceled.", "%(count)d campaigns canceled.", "count"),
        )


@admin.register(CampaignTarget)
class CampaignTargetAdmin(DocumentAdmin):
    list_display = ("name", "campaign", "source", "status", "response", "response_date", "assigned_to", "email")
    list_filter = ("campaign", "status", "response", "source")
    search_fields = ("name", "contact_name", "email", "campaign__number", "campaign__name")
    list_select_related = ("campaign", "assigned_to")


@admin.register(Segment)
class SegmentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "description", "filters", "updated_at")
    search_fields = ("name", "description")
    readonly_fields = ("created_at", "created_by", "updated_at")
    fields = ("name", "description", "filters", "created_at", "created_by", "updated_at")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = segment_update(
                segment=obj,
                by=request.user,
                name=data["name"],
                description=data.get("description", ""),
                filters=data.get("filters") or {},
            )
        else:
            saved = segment_create(
                by=request.user,
                name=data["name"],
                description=data.get("description", ""),
                filters=data.get("filters") or {},
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        segment_delete(segment=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for segment in queryset.order_by("pk"):
            segment_delete(segment=segment, by=request.user)

"""Admin for opportunities and the pipeline stages: opportunities are created and changed through the
opportunity services (a changed stage through opportunity_stage_set), and won or lost only by the admin
actions; the stages are set up here, through their services too."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import ServiceAdminMixin, TransitionLogInline
from marketing.admin.leads import ServiceJudgedForm
from marketing.models import Opportunity, OpportunityStage
from marketing.services.opportunities import (
    OPPORTUNITY_FIELDS,
    STAGE_FIELDS,
    opportunity_create,
    opportunity_lose,
    opportunity_stage_set,
    opportunity_update,
    opportunity_win,
    stage_create,
    stage_update,
)


@admin.register(Opportunity)
class OpportunityAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ServiceJudgedForm
    list_display = (
        "number",
        "name",
        "party",
        "stage",
        "expected_revenue",
        "probability",
        "expected_close_date",
        "owner",
        "state",
    )
    list_filter = ("state", "stage", "campaign", "expected_close_date")
    search_fields = ("number", "name", "party__name")
    list_select_related = ("party", "stage", "owner")
    autocomplete_fields = ("party", "contact", "lead")
    date_hierarchy = "expected_close_date"
    readonly_fields = ("number", "state", "closed_at", "lost_reason", "created_at", "created_by", "updated_at")
    fieldsets = (
        (None, {"fields": ("number", "state", "name", "party", "contact", "owner", "campaign", "lead")}),
        (_("Pipeline"), {"fields": ("stage", "expected_revenue", "probability", "expected_close_date")}),
        (_("Description"), {"fields": ("description",)}),
        (_("History"), {"fields": ("closed_at", "lost_reason", "created_at", "created_by", "updated_at")}),
    )
    inlines = (TransitionLogInline,)
    actions = ("win_opportunities", "lose_opportunities")

    def get_readonly_fields(self, request, obj=None):
        # The lead an opportunity came from is set when it is made.
        return (*self.readonly_fields, "lead") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in OPPORTUNITY_FIELDS if name in form.cleaned_data}
        if not change:
            saved = opportunity_create(
                by=request.user, stage=form.cleaned_data["stage"], lead=form.cleaned_data.get("lead"), **data
            )
        else:
            saved = opportunity_update(opportunity=obj, by=request.user, **data)
            if "stage" in form.changed_data:
                saved = opportunity_stage_set(opportunity=saved, stage=form.cleaned_data["stage"], by=request.user)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # An opportunity is closed as lost, never deleted: it is part of the campaign's and party's history.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Mark selected opportunities won"), permissions=["change"])
    def win_opportunities(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda opportunity: opportunity_win(opportunity=opportunity, by=request.user),
            done=ngettext_lazy("%(count)d opportunity won.", "%(count)d opportunities won.", "count"),
        )

    @admin.action(description=_("Mark selected opportunities lost"), permissions=["change"])
    def lose_opportunities(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda opportunity: opportunity_lose(
                opportunity=opportunity, by=request.user, reason=str(_("Closed as lost in the admin."))
            ),
            done=ngettext_lazy("%(count)d opportunity lost.", "%(count)d opportunities lost.", "count"),
        )


@admin.register(OpportunityStage)
class OpportunityStageAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ServiceJudgedForm
    list_display = ("name", "sequence", "probability", "active")
    list_editable = ("sequence", "probability", "active")
    list_filter = ("active",)
    search_fields = ("name",)
    ordering = ("sequence", "id")

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in STAGE_FIELDS if name in form.cleaned_data}
        saved = stage_update(stage=obj, by=request.user, **data) if change else stage_create(by=request.user, **data)
        obj.pk = saved.pk
        obj.refresh_from_db()

"""Admin for leads: created and changed through the lead services; the state moves only by the admin actions
(qualify, disqualify), which call the services too."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import ServiceAdminMixin, TransitionLogInline
from marketing.models import Lead
from marketing.services.leads import LEAD_FIELDS, lead_create, lead_disqualify, lead_qualify, lead_update


class ServiceJudgedForm(forms.ModelForm):
    """The services judge what was typed and say why in the clerk's words; the model's own checks (constraints
    included) would only repeat them less clearly, so the form leaves the instance to the service."""

    def _post_clean(self):
        pass


@admin.register(Lead)
class LeadAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ServiceJudgedForm
    list_display = ("number", "company_name", "contact_name", "email", "source", "campaign", "owner", "state")
    list_filter = ("state", "source", "campaign", "created_at")
    search_fields = ("number", "company_name", "contact_name", "email")
    list_select_related = ("campaign", "owner")
    autocomplete_fields = ("party",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "number",
        "state",
        "qualified_at",
        "converted_at",
        "disqualified_at",
        "disqualify_reason",
        "created_at",
        "created_by",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("number", "state", "company_name", "contact_name", "source", "campaign", "owner")}),
        (_("Contact data"), {"fields": ("email", "phone", "postcode", "city", "country", "party")}),
        (_("Notes"), {"fields": ("notes",)}),
        (
            _("History"),
            {
                "fields": (
                    "qualified_at",
                    "converted_at",
                    "disqualified_at",
                    "disqualify_reason",
                    "created_at",
                    "created_by",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (TransitionLogInline,)
    actions = ("qualify_leads", "disqualify_leads")

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in LEAD_FIELDS if name in form.cleaned_data}
        saved = lead_update(lead=obj, by=request.user, **data) if change else lead_create(by=request.user, **data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        # A lead is part of the history of its party and campaign: it is disqualified, never deleted.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Qualify selected leads"), permissions=["change"])
    def qualify_leads(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda lead: lead_qualify(lead=lead, by=request.user),
            done=ngettext_lazy("%(count)d lead qualified.", "%(count)d leads qualified.", "count"),
        )

    @admin.action(description=_("Disqualify selected leads"), permissions=["change"])
    def disqualify_leads(self, request, queryset):
        self.run_service(
            request,
            queryset.order_by("pk"),
            lambda lead: lead_disqualify(lead=lead, by=request.user, reason=str(_("Disqualified in the admin."))),
            done=ngettext_lazy("%(count)d lead disqualified.", "%(count)d leads disqualified.", "count"),
        )

"""Sales agreements in the admin: the header is saved through the services (a change to an effective agreement
records a version), lines and versions are shown as written, and the lifecycle runs as actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.admin import DocumentAdmin, OneAtATimeDeleteMixin, ReadOnlyInline, ServiceAdminMixin, TransitionLogInline
from salesapp.models import SalesAgreement, SalesAgreementLine, SalesAgreementVersion
from salesapp.services.agreements import (
    agreement_activate,
    agreement_cancel,
    agreement_close,
    agreement_create,
    agreement_delete,
    agreement_hold,
    agreement_update,
)

HEADER_FIELDS = (
    "customer",
    "commitment_type",
    "valid_from",
    "valid_to",
    "currency",
    "default_discount_percent",
    "description",
)


class SalesAgreementLineInline(ReadOnlyInline):
    model = SalesAgreementLine
    fields = ("line_no", "item", "committed_quantity", "committed_amount", "unit_price", "discount_percent")
    related = ("item",)


class SalesAgreementVersionInline(ReadOnlyInline):
    model = SalesAgreementVersion
    fields = ("number", "created_by", "created_at", "changes")
    related = ("created_by",)


@admin.register(SalesAgreement)
class SalesAgreementAdmin(OneAtATimeDeleteMixin, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("number", "customer", "commitment_type", "valid_from", "valid_to", "state", "version_count")
    list_filter = ("state", "commitment_type", "currency")
    search_fields = ("number", "customer__number", "customer__party__name", "description")
    list_select_related = ("customer__party",)
    autocomplete_fields = ("customer",)
    date_hierarchy = "valid_to"
    fields = ("number", "state", *HEADER_FIELDS, "version_count", "activated_at", "closed_at", "created_by")
    readonly_fields = ("number", "state", "version_count", "activated_at", "closed_at", "created_by")
    inlines = (SalesAgreementLineInline, SalesAgreementVersionInline, TransitionLogInline)
    actions = ("activate", "hold", "close", "cancel")

    def get_readonly_fields(self, request, obj=None):
        # Who it is with, what it commits and its currency change only on hold (the service refuses otherwise).
        fixed = (
            () if obj is None or obj.refusal_reason("terms") is None else ("customer", "commitment_type", "currency")
        )
        closed = () if obj is None or obj.refusal_reason("edit") is None else HEADER_FIELDS
        return tuple(dict.fromkeys((*self.readonly_fields, *fixed, *closed)))

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in HEADER_FIELDS if name in form.cleaned_data}
        if change:
            saved = agreement_update(agreement=obj, by=request.user, **fields)
        else:
            saved = agreement_create(by=request.user, **fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        agreement_delete(agreement=obj, by=request.user)

    def _run(self, request, queryset, service, done):
        self.run_service(
            request, queryset.order_by("pk"), lambda agreement: service(agreement=agreement, by=request.user), done=done
        )

    @admin.action(description=_("Activate the selected agreements"), permissions=["change"])
    def activate(self, request, queryset):
        self._run(
            request,
            queryset,
            agreement_activate,
            ngettext_lazy("%(count)d agreement activated.", "%(count)d agreements activated.", "count"),
        )

    @admin.action(description=_("Put the selected agreements on hold"), permissions=["change"])
    def hold(self, request, queryset):
        self._run(
            request,
            queryset,
            agreement_hold,
            ngettext_lazy("%(count)d agreement put on hold.", "%(count)d agreements put on hold.", "count"),
        )

    @admin.action(description=_("Close the selected agreements"), permissions=["change"])
    def close(self, request, queryset):
        self._run(
            request,
            queryset,
            agreement_close,
            ngettext_lazy("%(count)d agreement closed.", "%(count)d agreements closed.", "count"),
        )

    @admin.action(description=_("Cancel the selected agreements"), permissions=["change"])
    def cancel(self, request, queryset):
        self._run(
            request,
            queryset,
            agreement_cancel,
            ngettext_lazy("%(count)d agreement canceled.", "%(count)d agreements canceled.", "count"),
        )


@admin.register(SalesAgreementVersion)
class SalesAgreementVersionAdmin(DocumentAdmin):
    """What was agreed from a change on: frozen, guarded by the database."""

    list_display = ("__str__", "created_by", "created_at")
    list_select_related = ("agreement", "created_by")
    search_fields = ("agreement__number",)

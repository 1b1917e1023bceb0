"""Admin building blocks every app shares, and the number series admin.

The admin is one more door into the same services (DESIGN.md §2.8): documents are read-only here,
actions call services, and a refusal is shown with the service's reason instead of an error page."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django_fsm_log.admin import StateLogInline

from core.errors import DomainError
from core.models import NumberSeries

admin.site.site_header = _("salesflow administration")
admin.site.site_title = _("salesflow admin")
admin.site.index_title = _("Master data, documents and ledger")


class ServiceAdminMixin:
    """Shows a service refusal raised while saving or deleting as an error message.

    Django wraps the change and delete views in a transaction, so a refusal leaves nothing half saved."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.reason, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.reason, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def run_service(self, request, objects: Iterable, service: Callable, *, done) -> int:
        """Call ``service(obj)`` for each selected object; report every refusal and count what worked.

        ``done`` is an ``ngettext_lazy(singular, plural, "count")`` sentence about the successes."""
        succeeded = 0
        for obj in objects:
            try:
                service(obj)
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc.reason}", level=messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done % {"count": succeeded}, level=messages.SUCCESS)
        return succeeded


class DocumentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A business document: made and changed only by its services, so the admin shows it read-only
    and offers the services as actions."""

    def get_readonly_fields(self, request, obj=None):
        declared = [f.name for f in self.model._meta.get_fields() if f.concrete and not f.auto_created]
        return [*declared, *self.readonly_fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # A bulk delete would bypass the per-document check of has_delete_permission(obj).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyInline(admin.TabularInline):
    """Lines of a document, shown as they were written by the services."""

    extra = 0
    can_delete = False
    show_change_link = False
    related: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Every foreign key shown on a line is joined once, not fetched per row.
        return super().get_queryset(request).select_related(*self.related)


class TransitionLogInline(StateLogInline):
    """The document's timeline: who changed its state, when, from what to what, and why."""

    verbose_name = _("state change")
    verbose_name_plural = _("state changes")
    extra = 0

    def has_view_permission(self, request, obj=None):
        # Whoever may see the document may see how it got where it is.
        return True

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "prefix", "width", "next_value", "next_number")
    search_fields = ("code", "name", "prefix")
    ordering = ("code",)

    @admin.display(description=_("next number"))
    def next_number(self, obj: NumberSeries) -> str:
        return obj.format(obj.next_value)

    def get_readonly_fields(self, request, obj=None):
        # Services find a series by its code, and a lowered counter would hand out a number twice.
        if obj is not None:
            return ("code", "next_value", "next_number")
        return ("next_number",)

    def has_delete_permission(self, request, obj=None):
        return False

"""Admin building blocks every app shares, and the number series admin.

The admin is one more door into the same services (DESIGN.md §2.8): documents are read-only here,
actions call services, and a refusal is shown with the service's reason instead of an error page."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Max, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_fsm_log.admin import StateLogInline
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob

from core.errors import DomainError
from core.jobs import JOB_STATUS_LABELS, job_retry, may_retry_jobs, may_view_jobs
from core.models import ExternalReference, IdempotencyKey, JobFailure, NumberSeries, RateCounter

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


class OneAtATimeDeleteMixin:
    """For admins whose ``delete_model`` calls a service: no bulk delete action, which would bypass it."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the application writes (keys, couplings, delivery logs): listed and searched here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


class JobsPermissionOnly:
    """Background jobs are for those given the jobs permission, administrators by default (their arguments
    name records of every app)."""

    def has_module_permission(self, request):
        return may_view_jobs(request.user)

    def has_view_permission(self, request, obj=None):
        return may_view_jobs(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JobEventInline(JobsPermissionOnly, admin.TabularInline):
    model = ProcrastinateEvent
    verbose_name = _("event")
    verbose_name_plural = _("events")
    fields = ("type", "at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-at", "-id")


# procrastinate registers a job admin of its own; this one is translated, shows why attempts failed and
# retries through the core service (with the jobs' retry permission, each refusal reported).
admin.site.unregister(ProcrastinateJob)


@admin.register(ProcrastinateJob)
class JobAdmin(JobsPermissionOnly, ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("id", "task_name", "status_shown", "queue_name", "attempts", "last_event_at", "last_error")
    list_filter = ("status", "queue_name", "task_name")
    search_fields = ("task_name",)
    ordering = ("-id",)
    fields = (
        "id",
        "task_name",
        "status_shown",
        "queue_name",
        "arguments",
        "attempts",
        "scheduled_at",
        "priority",
        "lock",
        "queueing_lock",
        "errors",
    )
    readonly_fields = fields
    inlines = [JobEventInline]
    actions = ["retry_failed"]
    list_per_page = 50

    def get_queryset(self, request):
        last_failure = JobFailure.objects.filter(job_id=OuterRef("pk")).order_by("-attempt", "-id")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_event_at=Max("procrastinateevent__at"),
                last_error_text=Subquery(last_failure.values("error")[:1]),
            )
        )

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, job: ProcrastinateJob) -> str:
        return JOB_STATUS_LABELS.get(job.status, job.status)

    @admin.display(description=_("last event"), ordering="last_event_at")
    def last_event_at(self, job: ProcrastinateJob):
        return job.last_event_at

    @admin.display(description=_("last error"))
    def last_error(self, job: ProcrastinateJob) -> str:
        # The last line of the traceback: the exception and its message.
        return (job.last_error_text or "").strip().rsplit("\n", 1)[-1][:200]

    @admin.display(description=_("arguments"))
    def arguments(self, job: ProcrastinateJob) -> str:
        return format_html("<pre>{}</pre>", json.dumps(job.args, indent=2, sort_keys=True))

    @admin.display(description=_("errors"))
    def errors(self, job: ProcrastinateJob) -> str:
        failures = JobFailure.objects.filter(job_id=job.pk).order_by("attempt", "id")
        if not failures:
            return "—"
        return format_html_join(
            "",
            "<p><strong>{} {}</strong>, {}</p><pre>{}</pre>",
            ((_("Attempt"), f.attempt, f.failed_at.isoformat(timespec="seconds"), f.error) for f in failures),
        )

    def has_retry_permission(self, request):
        return may_retry_jobs(request.user)

    @admin.action(description=_("Retry the selected failed jobs"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        self.run_service(
            request,
            queryset,
            lambda job: job_retry(job=job, by=request.user),
            done=ngettext_lazy("%(count)d job queued again.", "%(count)d jobs queued again.", "count"),
        )


@admin.register(JobFailure)
class JobFailureAdmin(JobsPermissionOnly, admin.ModelAdmin):
    list_display = ("job_id", "task_name", "attempt", "failed_at")
    list_filter = ("task_name",)
    search_fields = ("task_name", "error")
    ordering = ("-id",)
    readonly_fields = ("job_id", "task_name", "attempt", "failed_at", "error")


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin):
    """API requests counted per user in the current throttle window (core/api/throttling.py). Read-only: the count
    is the API's; deleting a user's row lets that user send requests again at once."""

    list_display = ("key", "hits", "window_start")
    search_fields = ("key",)
    ordering = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    """Read only: a key is written with the work it answers and removed by the daily prune."""

    list_display = ("created_at", "user", "method", "path", "response_status", "key")
    list_filter = ("method", "response_status")
    search_fields = ("key", "path", "user__username")
    list_select_related = ("user",)
    ordering = ("-created_at", "-id")
    readonly_fields = [field.name for field in IdempotencyKey._meta.fields]


class ExternalReferenceInline(GenericTabularInline):
    """The ids the record has in other systems. Coupled through the API (core.external_references): read here."""

    model = ExternalReference
    extra = 0
    fields = ("system", "external_id", "created_at", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExternalReference)
class ExternalReferenceAdmin(ReadOnlyAdmin):
    """Every coupling to another system, searchable by its id (read only: coupling is the API's)."""

    list_display = ("system", "external_id", "content_type", "object_id", "created_at", "created_by")
    list_filter = ("system", "content_type")
    search_fields = ("external_id",)
    list_select_related = ("content_type", "created_by")
    readonly_fields = list_display

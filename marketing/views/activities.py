"""Activity pages: the list, "My follow-ups", the activity form and page, and the actions run from them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.listing import Column, list_response
from core.web import PageActions, form_save, page_actions, permission, run_action
from marketing.forms.activities import ActivityCompleteForm, ActivityFilterForm, ActivityForm
from marketing.models import Activity, CampaignTarget, Opportunity
from marketing.selectors import activities as selectors
from marketing.services import activities as services

FOLLOWUP_GROUP_LABELS = {
    "overdue": gettext_lazy("Overdue"),
    "today": gettext_lazy("Today"),
    "upcoming": gettext_lazy("Upcoming"),
    "no_date": gettext_lazy("No date"),
}

# Query string names of the create link → form fields they prefill.
PREFILL_PARAMETERS = {
    "party": "party",
    "lead": "lead",
    "opportunity": "opportunity",
    "campaign": "campaign",
    "target": "campaign_target",
}


def safe_next(request, fallback: str) -> str:
    """The ``next`` the page was given, only when it stays on this site (no open redirects)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return fallback


def _activity_or_404(pk: int) -> Activity:
    try:
        return selectors.activity_get(pk=pk)
    except Activity.DoesNotExist:
        raise Http404(_("No such activity.")) from None


def activity_actions(activity: Activity, user) -> PageActions:
    return page_actions(activity, user=user, url=lambda name: reverse(f"marketing:activity_{name}", args=[activity.pk]))


def _activity_about(activity) -> str:
    record = activity.party or activity.lead or activity.opportunity or activity.campaign
    return str(record) if record else ""


def _activity_status(activity) -> str:
    if activity.done:
        return _("Done")
    return _("Overdue") if selectors.activity_is_overdue(activity) else _("Open")


ACTIVITY_COLUMNS = [
    Column("activity_type", gettext_lazy("Type"), lambda activity: activity.get_activity_type_display()),
    Column("subject", gettext_lazy("Subject"), lambda activity: activity.subject),
    Column("due", gettext_lazy("Due"), lambda activity: activity.due_at),
    Column("about", gettext_lazy("About"), _activity_about),
    Column("owner", gettext_lazy("Owner"), lambda activity: activity.owner.get_full_name() or activity.owner.username),
    Column("status", gettext_lazy("Status"), _activity_status),
]


@permission("marketing.view_activity")
@require_GET
def activity_list(request):
    filter_form = ActivityFilterForm(request.GET, user=request.user)
    activities = selectors.activity_list(**filter_form.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=activities,
        columns=ACTIVITY_COLUMNS,
        sorts=selectors.ACTIVITY_SORTS,
        template="marketing/activity_list.html",
        filename="activities",
        form=filter_form,
        context={"filter_form": filter_form},
    )


@permission("marketing.view_activity")
@require_GET
def followups(request):
    rows = list(selectors.followups_for(user=request.user))
    groups = [
        {"key": key, "label": label, "activities": [row for row in rows if row.followup_group == key]}
        for key, label in FOLLOWUP_GROUP_LABELS.items()
    ]
    return render(request, "marketing/followups.html", {"groups": groups, "total": len(rows)})


def _prefill(request) -> dict:
    initial = {"owner": request.user.pk}
    for parameter, field in PREFILL_PARAMETERS.items():
        value = request.GET.get(parameter, "")
        if value.isdigit():
            initial[field] = int(value)
    if request.GET.get("document"):
        initial["document"] = request.GET["document"]
    # The party select shows whose activity it is, even when only the opportunity or target was given.
    if "party" not in initial and "opportunity" in initial:
        party_id = Opportunity.objects.filter(pk=initial["opportunity"]).values_list("party_id", flat=True).first()
        if party_id:
            initial["party"] = party_id
    if "party" not in initial and "campaign_target" in initial:
        target = CampaignTarget.objects.filter(pk=initial["campaign_target"]).values("party_id", "lead_id").first()
        if target:
            initial.update({k: v for k, v in (("party", target["party_id"]), ("lead", target["lead_id"])) if v})
    return initial


@permission("marketing.add_activity")
@require_http_methods(["GET", "POST"])
def activity_create(request):
    form = ActivityForm(request.POST or None, initial=_prefill(request))
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Activity '%(subject)s' saved.") % {"subject": saved.subject})
        return redirect(safe_next(request, reverse("marketing:activity_detail", args=[saved.pk])))
    context = {"form": form, "activity": None, "linked": form.linked(), "next": safe_next(request, "")}
    return render(request, "marketing/activity_form.html", context)


@permission("marketing.change_activity")
@require_http_methods(["GET", "POST"])
def activity_update(request, pk: int):
    activity = get_object_or_404(Activity, pk=pk)
    reason = services.activity_refusal_reason(activity, "update")
    if reason:
        messages.error(request, reason)
        return redirect("marketing:activity_detail", pk=pk)
    initial = {name: getattr(activity, name) for name in ("activity_type", "subject", "due_at", "notes")}
    form = ActivityForm(request.POST or None, instance=activity, initial={**initial, "owner": activity.owner_id})
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Activity '%(subject)s' saved.") % {"subject": saved.subject})
        return redirect(safe_next(request, reverse("marketing:activity_detail", args=[saved.pk])))
    context = {"form": form, "activity": activity, "linked": [], "next": safe_next(request, "")}
    return render(request, "marketing/activity_form.html", context)


@permission("marketing.view_activity")
@require_GET
def activity_detail(request, pk: int):
    activity = _activity_or_404(pk)
    page = activity_actions(activity, request.user)
    allowed = page.allowed
    document = activity.document if activity.document_type_id else None
    context = {
        "activity": activity,
        "page": page,
        "actions": allowed,
        "refusals": page.refusals,
        "document": document,
        "document_url": document.get_absolute_url() if hasattr(document, "get_absolute_url") else "",
        "chain": selectors.activity_chain(activity=activity),
        "complete_form": ActivityCompleteForm(activity=activity) if allowed.get("complete") else None,
    }
    return render(request, "marketing/activity_detail.html", context)


@permission("marketing.change_activity")
@require_http_methods(["GET", "POST"])
def activity_complete(request, pk: int):
    """The completion form: a page of its own, or (htmx) a fragment inside the follow-ups list. On success
    the clerk goes back where they came from."""
    activity = get_object_or_404(Activity.objects.select_related("owner"), pk=pk)
    back = safe_next(request, reverse("marketing:activity_detail", args=[pk]))
    form = ActivityCompleteForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            _done, follow_up = services.activity_complete(
                activity=activity,
                by=request.user,
                outcome=form.cleaned_data.get("outcome", ""),
                notes=form.cleaned_data["notes"],
                next_activity=form.next_activity(),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            if follow_up is not None:
                messages.success(
                    request,
                    _("'%(subject)s' done; next: '%(next)s'.")
                    % {"subject": activity.subject, "next": follow_up.subject},
                )
            else:
                messages.success(request, _("'%(subject)s' done.") % {"subject": activity.subject})
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = back
                return response
            return redirect(back)
    # A done activity (completed meanwhile, e.g. in another tab) gets the reason instead of a form.
    refusal = services.activity_refusal_reason(activity, "complete") if request.method == "GET" else None
    context = {"activity": activity, "form": form, "next": back, "refusal": refusal}
    if request.htmx:
        return render(request, "marketing/includes/activity_complete_form.html", context)
    return render(request, "marketing/activity_complete.html", context)


@permission("marketing.change_activity")
@require_POST
def activity_reopen(request, pk: int):
    activity = get_object_or_404(Activity, pk=pk)
    run_action(
        request,
        lambda: services.activity_reopen(activity=activity, by=request.user),
        success=_("'%(subject)s' reopened.") % {"subject": activity.subject},
    )
    return redirect("marketing:activity_detail", pk=pk)


@permission("marketing.delete_activity")
@require_POST
def activity_delete(request, pk: int):
    activity = get_object_or_404(Activity, pk=pk)
    deleted = run_action(
        request,
        lambda: services.activity_delete(activity=activity, by=request.user),
        success=_("'%(subject)s' deleted.") % {"subject": activity.subject},
    )
    if deleted is None:
        return redirect("marketing:activity_detail", pk=pk)
    return redirect(safe_next(request, reverse("marketing:activity_list")))

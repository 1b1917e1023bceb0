"""Campaign pages: the list, the campaign form, the campaign page with its targets, statistics and per-type tools
(call lists, mailing documents, email), and the actions run from it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.forms import ReasonForm
from core.listing import Column, list_response
from core.selectors import transition_log_for
from core.web import PageActions, form_save, page_actions, paginate, permission, run_action, status_steps
from marketing import documents
from marketing.choices import CampaignState, CampaignType, TargetStatus
from marketing.forms.campaigns import (
    AddTargetsForm,
    AssignCallsForm,
    CampaignFilterForm,
    CampaignForm,
    TargetFilterForm,
)
from marketing.models import Campaign
from marketing.selectors import campaigns as selectors
from marketing.selectors.segments import segment_candidates
from marketing.services import campaign_mail, campaign_targets
from marketing.services import campaigns as services

STATUS_STEPS = [CampaignState.PLANNED, CampaignState.ACTIVE, CampaignState.COMPLETED]
PREVIEW_NAMES = 10


def campaign_or_404(pk: int) -> Campaign:
    try:
        return selectors.campaign_get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404(_("No such campaign.")) from None


def campaign_steps(campaign: Campaign) -> list[dict]:
    canceled = campaign.state == CampaignState.CANCELED
    return status_steps(campaign.state, [CampaignState.CANCELED] if canceled else STATUS_STEPS)


def campaign_actions(campaign: Campaign, user) -> PageActions:
    return page_actions(campaign, user=user, url=lambda name: reverse(f"marketing:campaign_{name}", args=[campaign.pk]))


def _email_preview(campaign: Campaign) -> dict:
    target = selectors.first_email_target(campaign=campaign)
    if target is None:
        return {"target": None}
    try:
        return {"target": target, "email": campaign_mail.campaign_email_render(campaign=campaign, target=target)}
    except DomainError as exc:
        return {"target": target, "error": exc.reason}


def _type_tools(campaign: Campaign, stats) -> dict:
    if campaign.campaign_type == CampaignType.TELEMARKETING:
        return {
            "assign_form": AssignCallsForm(),
            "unassigned": selectors.unassigned_count(campaign=campaign),
        }
    if campaign.campaign_type == CampaignType.EMAIL:
        return {"preview": _email_preview(campaign), "progress": stats.email}
    return {"to_mail": stats.total - stats.counts[TargetStatus.EXCLUDED]}


CAMPAIGN_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda campaign: campaign.number),
    Column("name", gettext_lazy("Name"), lambda campaign: campaign.name),
    Column("campaign_type", gettext_lazy("Type"), lambda campaign: campaign.get_campaign_type_display()),
    Column("state", gettext_lazy("Status"), lambda campaign: campaign.get_state_display()),
    Column(
        "owner",
        gettext_lazy("Owner"),
        lambda campaign: (campaign.owner.get_full_name() or campaign.owner.username) if campaign.owner else "",
    ),
    Column("runs", gettext_lazy("Runs"), lambda campaign: campaign.start_date),
    Column("end_date", gettext_lazy("End date"), lambda campaign: campaign.end_date, page=False),
    Column("targets", gettext_lazy("Targets"), lambda campaign: campaign.targets_count, css="num"),
    Column("contacted", gettext_lazy("Contacted"), lambda campaign: campaign.contacted_count, css="num"),
    Column("responded", gettext_lazy("Responded"), lambda campaign: campaign.responded_count, css="num"),
    Column("positive", gettext_lazy("Positive"), lambda campaign: campaign.positive_count, css="num"),
    Column("leads", gettext_lazy("Leads"), lambda campaign: campaign.leads_count, css="num"),
    Column("opportunities", gettext_lazy("Opportunities"), lambda campaign: campaign.opportunities_count, css="num"),
    Column("budget", gettext_lazy("Budget"), lambda campaign: campaign.budget, css="num"),
]


@permission("marketing.view_campaign")
@require_GET
def campaign_list(request):
    filter_form = CampaignFilterForm(request.GET)
    campaigns = selectors.campaign_list(**filter_form.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=campaigns,
        columns=CAMPAIGN_COLUMNS,
        sorts=selectors.CAMPAIGN_SORTS,
        template="marketing/campaign_list.html",
        filename="campaigns",
        form=filter_form,
        context={"filter_form": filter_form},
    )


@permission("marketing.add_campaign")
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    form = CampaignForm(request.POST or None, initial={"owner": request.user.pk})
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Campaign %(number)s created.") % {"number": saved.number})
        return redirect("marketing:campaign_detail", pk=saved.pk)
    return render(request, "marketing/campaign_form.html", {"form": form, "campaign": None})


@permission("marketing.change_campaign")
@require_http_methods(["GET", "POST"])
def campaign_update(request, pk: int):
    campaign = campaign_or_404(pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    saved = form_save(request, form)
    if saved is not None:
        messages.success(request, _("Campaign %(number)s saved.") % {"number": saved.number})
        return redirect("marketing:campaign_detail", pk=saved.pk)
    return render(request, "marketing/campaign_form.html", {"form": form, "campaign": campaign})


@permission("marketing.view_campaign")
@require_GET
def campaign_detail(request, pk: int):
    campaign = campaign_or_404(pk)
    page = campaign_actions(campaign, request.user)
    can_add_targets = campaign.refusal_reason("add_targets") is None and request.user.has_perm(
        "marketing.add_campaigntarget"
    )
    stats = selectors.campaign_stats(campaign=campaign)
    target_filters = TargetFilterForm(request.GET)
    targets = selectors.target_list(campaign=campaign, **target_filters.filters())
    context = {
        "campaign": campaign,
        "steps": campaign_steps(campaign),
        "page": page,
        "actions": {**page.allowed, "add_targets": can_add_targets},
        "refusals": page.refusals,
        "stats": stats,
        "target_filters": target_filters,
        "page_obj": paginate(request, targets),
        "add_form": AddTargetsForm() if can_add_targets else None,
        "transitions": transition_log_for(campaign),
        **_type_tools(campaign, stats),
    }
    return render(request, "marketing/campaign_detail.html", context)


def _transition_view(request, pk: int, service, success: str):
    campaign = get_object_or_404(Campaign, pk=pk)
    run_action(
        request, lambda: service(campaign=campaign, by=request.user), success=success % {"number": campaign.number}
    )
    return redirect("marketing:campaign_detail", pk=campaign.pk)


@permission("marketing.change_campaign")
@require_POST
def campaign_activate(request, pk: int):
    return _transition_view(request, pk, services.campaign_activate, _("Campaign %(number)s is active."))


@permission("marketing.change_campaign")
@require_POST
def campaign_complete(request, pk: int):
    return _transition_view(request, pk, services.campaign_complete, _("Campaign %(number)s completed."))


@permission("marketing.change_campaign")
@require_POST
def campaign_cancel(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    reason = ReasonForm(request.POST).given()
    run_action(
        request,
        lambda: services.campaign_cancel(campaign=campaign, by=request.user, reason=reason),
        success=_("Campaign %(number)s canceled.") % {"number": campaign.number},
    )
    return redirect("marketing:campaign_detail", pk=campaign.pk)


# --- targets -------------------------------------------------------------------------------------------------------


def _added_message(result: campaign_targets.TargetsAdded) -> str:
    parts = [ngettext("%(count)d target added.", "%(count)d targets added.", result.added) % {"count": result.added}]
    if result.skipped:
        parts.append(
            ngettext(
                "%(count)d was a target already and was skipped.",
                "%(count)d were targets already and were skipped.",
                result.skipped,
            )
            % {"count": result.skipped}
        )
    if result.excluded:
        parts.append(
            ngettext(
                "%(count)d is excluded (no email address or unsubscribed).",
                "%(count)d are excluded (no email address or unsubscribed).",
                result.excluded,
            )
            % {"count": result.excluded}
        )
    return " ".join(parts)


def _form_errors_message(form) -> str:
    """A form's errors as one message, each after the label of its field."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        parts.append(f"{form.fields[name].label}: {text}" if name in form.fields else text)
    return " ".join(parts)


@permission("marketing.add_campaigntarget")
@require_POST
def campaign_targets_add(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    form = AddTargetsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors_message(form))
        return redirect("marketing:campaign_detail", pk=campaign.pk)
    segment = form.cleaned_data["segment"]
    save_as = form.cleaned_data["save_as"].strip()
    try:
        result = campaign_targets.campaign_targets_add(
            campaign=campaign,
            by=request.user,
            segment=segment,
            filters=None if segment is not None else form.filters(),
            save_as="" if segment is not None else save_as,
        )
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        if result.saved_segment is not None:
            messages.info(request, _("Segment '%(name)s' saved.") % {"name": result.saved_segment.name})
        messages.success(request, _added_message(result))
    return redirect("marketing:campaign_detail", pk=campaign.pk)


@permission("marketing.view_campaign")
@require_GET
def campaign_targets_preview(request, pk: int):
    """Who the add-targets form would add, while the clerk is still choosing (htmx)."""
    campaign = get_object_or_404(Campaign, pk=pk)
    form = AddTargetsForm(request.GET)
    context = {"campaign": campaign}
    if form.is_valid():
        segment = form.cleaned_data["segment"]
        try:
            found = segment_candidates(filters=segment.filters if segment is not None else form.filters())
        except DomainError as exc:
            context["error"] = exc.reason
        else:
            context.update(
                count=len(found),
                already=selectors.already_targets(campaign=campaign, candidates=found),
                names=[c.name for c in found[:PREVIEW_NAMES]],
            )
    else:
        context["error"] = _form_errors_message(form)
    return render(request, "marketing/includes/campaign_targets_preview.html", context)


# --- per type ------------------------------------------------------------------------------------------------------


@permission("marketing.change_campaigntarget")
@require_POST
def campaign_calls_assign(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    form = AssignCallsForm(request.POST)
    users = list(form.cleaned_data["users"]) if form.is_valid() else []
    assigned = run_action(
        request,
        lambda: campaign_targets.campaign_calls_assign(campaign=campaign, users=users, by=request.user),
        success=_("Call lists updated."),
    )
    if assigned is not None:
        targets = ngettext("%(count)d target", "%(count)d targets", assigned) % {"count": assigned}
        callers = ngettext("%(count)d caller", "%(count)d callers", len(users)) % {"count": len(users)}
        messages.info(request, _("%(targets)s assigned to %(callers)s.") % {"targets": targets, "callers": callers})
    return redirect("marketing:campaign_detail", pk=campaign.pk)


@permission("marketing.view_campaigntarget")
@require_GET
def campaign_call_list(request, pk: int):
    """A caller's list with phone numbers; by default the list of whoever opens it."""
    campaign = campaign_or_404(pk)
    wanted = request.GET.get("assigned_to", "me")
    assignee_id = None
    if wanted == "me":
        assignee_id = request.user.pk
    elif wanted.isdigit():
        assignee_id = int(wanted)
    targets = selectors.call_list(campaign=campaign, assigned_to_id=assignee_id)
    context = {
        "campaign": campaign,
        "page_obj": paginate(request, targets),
        "wanted": wanted,
        "callers": selectors.call_list_callers(campaign=campaign),
        "mine": assignee_id == request.user.pk,
        "can_log": campaign.state == CampaignState.ACTIVE and request.user.has_perm("marketing.change_campaigntarget"),
    }
    return render(request, "marketing/campaign_call_list.html", context)


def _file_response(content: bytes, *, content_type: str, filename: str, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    return response


@permission("marketing.view_campaigntarget")
@require_GET
def campaign_labels_pdf(request, pk: int):
    campaign = campaign_or_404(pk)
    return _file_response(
        documents.campaign_labels_pdf(campaign),
        content_type="application/pdf",
        filename=f"{campaign.number}-labels.pdf",
        attachment=False,
    )


@permission("marketing.view_campaigntarget")
@require_GET
def campaign_letters_pdf(request, pk: int):
    campaign = campaign_or_404(pk)
    return _file_response(
        documents.campaign_letters_pdf(campaign),
        content_type="application/pdf",
        filename=f"{campaign.number}-letters.pdf",
        attachment=False,
    )


@permission("marketing.view_campaigntarget")
@require_GET
def campaign_addresses_csv(request, pk: int):
    campaign = campaign_or_404(pk)
    return _file_response(
        documents.campaign_addresses_csv(campaign),
        content_type="text/csv; charset=utf-8",
        filename=f"{campaign.number}-addresses.csv",
        attachment=True,
    )


@permission("marketing.change_campaigntarget")
@require_POST
def campaign_mark_mailed(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    marked = run_action(
        request,
        lambda: campaign_targets.campaign_mark_mailed(campaign=campaign, by=request.user),
        success=_("Mailing of campaign %(number)s marked as sent.") % {"number": campaign.number},
    )
    if marked is not None:
        messages.info(
            request,
            ngettext("%(count)d target is now contacted.", "%(count)d targets are now contacted.", marked)
            % {"count": marked},
        )
    return redirect("marketing:campaign_detail", pk=campaign.pk)


@permission("marketing.change_campaign")
@require_POST
def campaign_email_send(request, pk: int):
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        sent = campaign_mail.campaign_email_send(campaign=campaign, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d email is being sent.",
                "%(count)d emails are being sent.",
                sent,
            )
            % {"count": sent}
            if sent
            else _("Nobody is left to send the email to."),
        )
    return redirect("marketing:campaign_detail", pk=campaign.pk)


@permission("marketing.view_campaign")
@require_GET
def campaign_email_progress(request, pk: int):
    """The progress bar alone: the campaign page asks for it every few seconds while the email goes out."""
    campaign = campaign_or_404(pk)
    context = {"campaign": campaign, "progress": selectors.campaign_email_progress(campaign=campaign)}
    return render(request, "marketing/includes/campaign_email_progress.html", context)

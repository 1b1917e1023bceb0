"""The page of one campaign target: its data, the response form (which can start the sales process), the call log
form and the calls made so far."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError, ValidationFailed
from core.web import form_add_domain_error, page_actions, permission, run_action
from marketing.choices import CampaignState, CampaignType, TargetStatus
from marketing.forms.campaigns import CallLogForm, TargetRespondForm
from marketing.models import CampaignTarget
from marketing.selectors import campaigns as selectors
from marketing.services import campaign_targets as services


def _target_or_404(pk: int) -> CampaignTarget:
    try:
        return selectors.target_get(pk=pk)
    except CampaignTarget.DoesNotExist:
        raise Http404(_("No such campaign target.")) from None


def _page(request, target: CampaignTarget, *, respond_form=None, call_form=None, status: int = 200):
    campaign = target.campaign
    may_change = request.user.has_perm("marketing.change_campaigntarget")
    open_for_work = campaign.state == CampaignState.ACTIVE and target.status != TargetStatus.EXCLUDED
    if may_change and open_for_work:
        respond_form = respond_form or TargetRespondForm()
        call_form = call_form or CallLogForm(prefix="call")
        # The keyboard starts where the work is: the call on a call list, the response otherwise.
        if campaign.campaign_type == CampaignType.TELEMARKETING:
            call_form.fields["outcome"].widget.attrs["autofocus"] = True
        else:
            respond_form.fields["response"].widget.attrs["autofocus"] = True
    else:
        respond_form = call_form = None
    context = {
        "target": target,
        "campaign": campaign,
        "calls": selectors.target_calls(target=target),
        "respond_form": respond_form,
        "call_form": call_form,
        "why_closed": campaign.refusal_reason("respond")
        or (target.excluded_reason if target.status == TargetStatus.EXCLUDED else ""),
        "removable": campaign.state == CampaignState.PLANNED
        and request.user.has_perm("marketing.delete_campaigntarget"),
        # What later apps offer for the response (a quotation for a positive one), through core.extensions.
        "page": page_actions(target, user=request.user, url=lambda name: ""),
    }
    return render(request, "marketing/target_detail.html", context, status=status)


@permission("marketing.view_campaigntarget")
@require_GET
def target_detail(request, pk: int):
    return _page(request, _target_or_404(pk))


def _back(request, target: CampaignTarget):
    """Where the clerk came from (the call list, say) when it said so, else the target page."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return redirect(wanted)
    return redirect("marketing:target_detail", pk=target.pk)


def _run_form_service(request, target: CampaignTarget, form, service, *, success: str, page_kwarg: str):
    """Call ``service`` with the form's values; a refusal about a field goes back onto the form, any other
    refusal becomes a page message."""
    if form.is_valid():
        try:
            service(form.cleaned_data)
        except ValidationFailed as exc:
            form_add_domain_error(form, exc)
        except DomainError as exc:
            messages.error(request, exc.reason)
            return redirect("marketing:target_detail", pk=target.pk)
        else:
            messages.success(request, success)
            return _back(request, target)
    return _page(request, _target_or_404(target.pk), status=400, **{page_kwarg: form})


@permission("marketing.change_campaigntarget")
@require_POST
def target_respond(request, pk: int):
    target = get_object_or_404(CampaignTarget, pk=pk)

    def respond(data):
        responded = services.target_respond(
            target=target,
            by=request.user,
            response=data["response"],
            note=data["note"],
            date=data["date"],
            start=data["start"],
            opportunity_name=data["opportunity_name"],
            expected_revenue=data["expected_revenue"],
        )
        if responded.created_lead_id:
            messages.info(request, _("Lead %(number)s created.") % {"number": responded.created_lead.number})
        if responded.created_opportunity_id:
            messages.info(
                request, _("Opportunity %(number)s created.") % {"number": responded.created_opportunity.number}
            )

    return _run_form_service(
        request,
        target,
        TargetRespondForm(request.POST),
        respond,
        success=_("Response of %(name)s recorded.") % {"name": target.name},
        page_kwarg="respond_form",
    )


@permission("marketing.change_campaigntarget")
@require_POST
def target_call_log(request, pk: int):
    target = get_object_or_404(CampaignTarget, pk=pk)

    def log(data):
        services.target_call_log(
            target=target,
            by=request.user,
            outcome=data["outcome"],
            note=data["note"],
            response=data["response"] or None,
            start=data["start"] or services.SalesStart.NONE,
            follow_up_at=data["follow_up_at"],
        )

    return _run_form_service(
        request,
        target,
        CallLogForm(request.POST, prefix="call"),
        log,
        success=_("Call to %(name)s logged.") % {"name": target.name},
        page_kwarg="call_form",
    )


@permission("marketing.delete_campaigntarget")
@require_POST
def target_remove(request, pk: int):
    target = get_object_or_404(CampaignTarget, pk=pk)
    removed = run_action(
        request,
        lambda: services.campaign_target_remove(target=target, by=request.user),
        success=_("%(name)s removed from the campaign.") % {"name": target.name},
    )
    if removed is None:
        return redirect("marketing:target_detail", pk=target.pk)
    return redirect("marketing:campaign_detail", pk=target.campaign_id)

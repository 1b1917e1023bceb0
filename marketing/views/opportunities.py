"""Opportunity pages: the list, the pipeline (kanban by stage), the opportunity form, the opportunity page and the
actions run from it (stage, win, lose)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.forms import ReasonForm
from core.listing import Column, list_response
from core.selectors import transition_log_for
from core.web import (
    PageActions,
    form_add_domain_error,
    form_save,
    page_actions,
    page_panels,
    panel_rows,
    permission,
    run_action,
    status_steps,
)
from marketing.choices import OpportunityState
from marketing.forms.opportunities import (
    OpportunityFilterForm,
    OpportunityForm,
    OpportunityStageForm,
    PipelineFilterForm,
    opportunity_initial_from,
)
from marketing.models import Campaign, Lead, Opportunity, Party
from marketing.selectors import opportunities as selectors
from marketing.selectors.activities import activities_open_for, activities_url
from marketing.services import opportunities as services

STATUS_STEPS = [OpportunityState.OPEN, OpportunityState.WON]


def _opportunity_or_404(pk: int) -> Opportunity:
    try:
        return selectors.opportunity_get(pk=pk)
    except Opportunity.DoesNotExist:
        raise Http404(_("No such opportunity.")) from None


def opportunity_steps(opportunity: Opportunity) -> list[dict]:
    lost = opportunity.state == OpportunityState.LOST
    return status_steps(opportunity.state, [OpportunityState.OPEN, OpportunityState.LOST] if lost else STATUS_STEPS)


def opportunity_actions(opportunity: Opportunity, user) -> PageActions:
    return page_actions(
        opportunity, user=user, url=lambda name: reverse(f"marketing:opportunity_{name}", args=[opportunity.pk])
    )


def _detail_page(request, opportunity: Opportunity, *, reason_form=None, stage_form=None, status: int = 200):
    page = opportunity_actions(opportunity, request.user)
    if reason_form is not None:
        page = page.with_reason_errors("lose", reason_form)
    context = {
        "opportunity": opportunity,
        "steps": opportunity_steps(opportunity),
        "page": page,
        "actions": page.allowed,
        "refusals": page.refusals,
        "stage_form": stage_form or OpportunityStageForm(prefix="stage", initial={"stage": opportunity.stage_id}),
        # The sales orders made for it come from salesapp, later in the dependency order (core.extensions).
        "panels": page_panels(opportunity, user=request.user),
        "activities": panel_rows(
            activities_open_for(opportunity=opportunity), url=activities_url(party_id=opportunity.party_id)
        ),
        "add_query": urlencode({"opportunity": opportunity.pk, "party": opportunity.party_id}),
        "transitions": transition_log_for(opportunity),
    }
    return render(request, "marketing/opportunity_detail.html", context, status=status)


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


OPPORTUNITY_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda opp: opp.number),
    Column("name", gettext_lazy("Subject"), lambda opp: opp.name),
    Column("party", gettext_lazy("Party"), lambda opp: opp.party.name),
    Column("stage", gettext_lazy("Stage"), lambda opp: opp.stage.name),
    Column("expected_revenue", gettext_lazy("Expected revenue"), lambda opp: opp.expected_revenue, css="num"),
    Column("probability", gettext_lazy("Probability"), lambda opp: opp.probability, css="num"),
    Column("expected_close", gettext_lazy("Expected close"), lambda opp: opp.expected_close_date),
    Column("owner", gettext_lazy("Owner"), lambda opp: _user_name(opp.owner)),
    Column("campaign", gettext_lazy("Campaign"), lambda opp: opp.campaign.number if opp.campaign else ""),
    Column("state", gettext_lazy("Status"), lambda opp: opp.get_state_display()),
]


@permission("marketing.view_opportunity")
@require_GET
def opportunity_list(request):
    filter_form = OpportunityFilterForm(request.GET)
    opportunities = selectors.opportunity_list(**filter_form.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=opportunities,
        columns=OPPORTUNITY_COLUMNS,
        sorts=selectors.OPPORTUNITY_SORTS,
        template="marketing/opportunity_list.html",
        filename="opportunities",
        form=filter_form,
        context={"filter_form": filter_form},
    )


def _pipeline_context(request, query) -> dict:
    filter_form = PipelineFilterForm(query)
    return {
        "filter_form": filter_form,
        "pipeline": selectors.pipeline_get(**filter_form.filters()),
        "query": query.urlencode(),
        "can_move": request.user.has_perm("marketing.change_opportunity"),
    }


@permission("marketing.view_opportunity")
@require_GET
def pipeline(request):
    return render(request, "marketing/pipeline.html", _pipeline_context(request, request.GET))


@permission("marketing.change_opportunity")
@require_POST
def pipeline_move(request, pk: int):
    """Move a card one stage forward or back; htmx swaps the board, other browsers reload the pipeline."""
    opportunity = get_object_or_404(Opportunity, pk=pk)
    step = 1 if request.POST.get("step") == "next" else -1
    try:
        moved = services.opportunity_stage_step(opportunity=opportunity, by=request.user, step=step)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(
            request, _("%(number)s is now in %(stage)s.") % {"number": moved.number, "stage": moved.stage.name}
        )
    # The board is shown again with the filters it had.
    query = QueryDict(request.POST.get("query", ""))
    if request.htmx:
        return render(request, "marketing/pipeline_board.html", {**_pipeline_context(request, query), "swapped": True})
    return redirect(f"{reverse('marketing:pipeline')}?{query.urlencode()}" if query else reverse("marketing:pipeline"))


def _prefill(request) -> dict:
    def pick(model, name):
        value = request.GET.get(name, "")
        return model.objects.filter(pk=value).first() if value.isdigit() else None

    # A new opportunity is the clerk's own unless the lead it comes from has an owner.
    initial = {"owner": request.user.pk}
    initial |= opportunity_initial_from(
        party=pick(Party, "party"), campaign=pick(Campaign, "campaign"), lead=pick(Lead, "lead")
    )
    if initial.get("owner") is None:
        initial["owner"] = request.user.pk
    return initial


@permission("marketing.add_opportunity")
@require_http_methods(["GET", "POST"])
def opportunity_create(request):
    form = OpportunityForm(request.POST or None, initial=None if request.method == "POST" else _prefill(request))
    saved = form_save(request, form)
    if saved:
        messages.success(request, _("Opportunity %(number)s created.") % {"number": saved.number})
        return redirect("marketing:opportunity_detail", pk=saved.pk)
    return render(request, "marketing/opportunity_form.html", {"form": form, "opportunity": None})


@permission("marketing.change_opportunity")
@require_http_methods(["GET", "POST"])
def opportunity_update(request, pk: int):
    opportunity = _opportunity_or_404(pk)
    reason = opportunity.refusal_reason("edit")
    if reason:
        messages.error(request, reason)
        return redirect("marketing:opportunity_detail", pk=opportunity.pk)
    # The form writes posted values on its instance while validating; the page keeps the stored opportunity.
    form = OpportunityForm(request.POST or None, instance=_opportunity_or_404(pk))
    saved = form_save(request, form)
    if saved:
        messages.success(request, _("Opportunity %(number)s saved.") % {"number": saved.number})
        return redirect("marketing:opportunity_detail", pk=saved.pk)
    return render(request, "marketing/opportunity_form.html", {"form": form, "opportunity": opportunity})


@permission("marketing.view_opportunity")
@require_GET
def opportunity_detail(request, pk: int):
    return _detail_page(request, _opportunity_or_404(pk))


@permission("marketing.change_opportunity")
@require_POST
def opportunity_stage(request, pk: int):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    form = OpportunityStageForm(request.POST, prefix="stage")
    if form.is_valid():
        try:
            moved = services.opportunity_stage_set(
                opportunity=opportunity, stage=form.cleaned_data["stage"], by=request.user
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Opportunity %(number)s is now in %(stage)s.") % {"number": moved.number, "stage": moved.stage.name},
            )
            return redirect("marketing:opportunity_detail", pk=opportunity.pk)
    return _detail_page(request, _opportunity_or_404(pk), stage_form=form, status=400)


@permission("marketing.change_opportunity")
@require_POST
def opportunity_win(request, pk: int):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    run_action(
        request,
        lambda: services.opportunity_win(opportunity=opportunity, by=request.user),
        success=_("Opportunity %(number)s won.") % {"number": opportunity.number},
    )
    return redirect("marketing:opportunity_detail", pk=opportunity.pk)


@permission("marketing.change_opportunity")
@require_POST
def opportunity_lose(request, pk: int):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_lose(opportunity=opportunity, by=request.user, reason=form.given())
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Opportunity %(number)s lost.") % {"number": opportunity.number})
            return redirect("marketing:opportunity_detail", pk=opportunity.pk)
    return _detail_page(request, _opportunity_or_404(pk), reason_form=form, status=400)

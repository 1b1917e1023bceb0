"""Lead pages: the list, the lead form, the lead page with its actions (qualify, convert, disqualify), and the
CSV import."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.forms import ReasonForm
from core.listing import Column, list_response
from core.selectors import transition_log_for
from core.web import (
    PageActions,
    form_add_domain_error,
    form_save,
    list_url,
    page_actions,
    panel_rows,
    permission,
    run_action,
    status_steps,
)
from core.widgets import suggestions_response
from marketing.choices import LeadState
from marketing.forms.leads import (
    LEAD_LOOKUP,
    LeadConvertForm,
    LeadFilterForm,
    LeadForm,
    LeadImportForm,
    lead_initial_from,
)
from marketing.models import Campaign, Lead, Party
from marketing.selectors import leads as selectors
from marketing.selectors.activities import activities_open_for, activities_url
from marketing.services import leads as services
from marketing.services.lead_import import LeadImportRefused, lead_import
from marketing.services.parties import PartyDuplicates

# The lead's main road; disqualified replaces what follows "new"/"qualified" when it is disqualified.
STATUS_STEPS = [LeadState.NEW, LeadState.QUALIFIED, LeadState.CONVERTED]


def _lead_or_404(pk: int) -> Lead:
    try:
        return selectors.lead_get(pk=pk)
    except Lead.DoesNotExist:
        raise Http404(_("No such lead.")) from None


def lead_steps(lead: Lead) -> list[dict]:
    return status_steps(lead.state, [LeadState.DISQUALIFIED] if lead.state == LeadState.DISQUALIFIED else STATUS_STEPS)


def lead_actions(lead: Lead, user) -> PageActions:
    return page_actions(lead, user=user, url=lambda name: reverse(f"marketing:lead_{name}", args=[lead.pk]))


def _detail_page(request, lead: Lead, *, convert_form=None, reason_form=None, status: int = 200):
    page = lead_actions(lead, request.user)
    if reason_form is not None:
        page = page.with_reason_errors("disqualify", reason_form)
    allowed = page.allowed
    if allowed.get("convert") and convert_form is None:
        convert_form = LeadConvertForm(lead=lead, candidates=selectors.lead_party_candidates(lead=lead))
    context = {
        "lead": lead,
        "steps": lead_steps(lead),
        "page": page,
        "actions": allowed,
        "refusals": page.refusals,
        "convert_form": convert_form if allowed.get("convert") else None,
        "opportunities": list(lead.opportunities.select_related("stage").order_by("-id")),
        "activities": panel_rows(
            activities_open_for(lead=lead),
            url=activities_url(party_id=lead.party_id) if lead.party_id else "",
        ),
        "add_query": urlencode({"lead": lead.pk, **({"party": lead.party_id} if lead.party_id else {})}),
        "transitions": transition_log_for(lead),
    }
    return render(request, "marketing/lead_detail.html", context, status=status)


def _user_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


LEAD_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda lead: lead.number),
    Column(
        "company", gettext_lazy("Company"), lambda lead: lead.company_name or (lead.party.name if lead.party else "")
    ),
    Column("contact", gettext_lazy("Contact person"), lambda lead: lead.contact_name),
    Column("email", gettext_lazy("Email"), lambda lead: lead.email),
    Column("source", gettext_lazy("Source"), lambda lead: lead.get_source_display()),
    Column("campaign", gettext_lazy("Campaign"), lambda lead: lead.campaign.number if lead.campaign else ""),
    Column("owner", gettext_lazy("Owner"), lambda lead: _user_name(lead.owner)),
    Column("created", gettext_lazy("Created"), lambda lead: lead.created_at),
    Column("state", gettext_lazy("Status"), lambda lead: lead.get_state_display()),
]


@permission("marketing.view_lead")
@require_GET
def lead_suggestions(request):
    """Leads matching what is typed, for a form's lead field."""
    return suggestions_response(LEAD_LOOKUP, Lead.objects.all(), request.GET.get("q", ""))


@permission("marketing.view_lead")
@require_GET
def lead_list(request):
    filter_form = LeadFilterForm(request.GET)
    leads = selectors.lead_list(**filter_form.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=leads,
        columns=LEAD_COLUMNS,
        sorts=selectors.LEAD_SORTS,
        template="marketing/lead_list.html",
        filename="leads",
        form=filter_form,
        context={"filter_form": filter_form},
    )


def _prefill(request) -> dict:
    def pick(model, name):
        value = request.GET.get(name, "")
        return model.objects.filter(pk=value).first() if value.isdigit() else None

    return {
        "owner": request.user.pk,
        **lead_initial_from(party=pick(Party, "party"), campaign=pick(Campaign, "campaign")),
    }


@permission("marketing.add_lead")
@require_http_methods(["GET", "POST"])
def lead_create(request):
    form = LeadForm(request.POST or None, initial=None if request.method == "POST" else _prefill(request))
    saved = form_save(request, form)
    if saved:
        messages.success(request, _("Lead %(number)s created.") % {"number": saved.number})
        return redirect("marketing:lead_detail", pk=saved.pk)
    return render(request, "marketing/lead_form.html", {"form": form, "lead": None})


@permission("marketing.change_lead")
@require_http_methods(["GET", "POST"])
def lead_update(request, pk: int):
    lead = _lead_or_404(pk)
    reason = lead.refusal_reason("edit")
    if reason:
        messages.error(request, reason)
        return redirect("marketing:lead_detail", pk=lead.pk)
    # The form writes posted values on its instance while validating; the page keeps showing the stored lead.
    form = LeadForm(request.POST or None, instance=_lead_or_404(pk))
    saved = form_save(request, form)
    if saved:
        messages.success(request, _("Lead %(number)s saved.") % {"number": saved.number})
        return redirect("marketing:lead_detail", pk=saved.pk)
    return render(request, "marketing/lead_form.html", {"form": form, "lead": lead})


@permission("marketing.view_lead")
@require_GET
def lead_detail(request, pk: int):
    return _detail_page(request, _lead_or_404(pk))


@permission("marketing.change_lead")
@require_POST
def lead_qualify(request, pk: int):
    lead = get_object_or_404(Lead, pk=pk)
    run_action(
        request,
        lambda: services.lead_qualify(lead=lead, by=request.user),
        success=_("Lead %(number)s qualified.") % {"number": lead.number},
    )
    return redirect("marketing:lead_detail", pk=lead.pk)


@permission("marketing.change_lead")
@require_POST
def lead_disqualify(request, pk: int):
    lead = get_object_or_404(Lead, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.lead_disqualify(lead=lead, by=request.user, reason=form.given())
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Lead %(number)s disqualified.") % {"number": lead.number})
            return redirect("marketing:lead_detail", pk=lead.pk)
    return _detail_page(request, _lead_or_404(pk), reason_form=form, status=400)


@permission("marketing.change_lead", "marketing.add_opportunity")
@require_POST
def lead_convert(request, pk: int):
    lead = _lead_or_404(pk)
    candidates = selectors.lead_party_candidates(lead=lead)
    form = LeadConvertForm(request.POST, lead=lead, candidates=candidates)
    if form.is_valid():
        try:
            opportunity = services.lead_convert(lead=lead, by=request.user, **form.service_arguments())
        except PartyDuplicates as exc:
            # Parties like this one appeared since the page was shown: offer them to pick from.
            form = LeadConvertForm(request.POST, lead=lead, candidates=exc.duplicates)
            form.is_valid()
            form.add_error("party" if "party" in form.fields else None, exc.reason)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Lead %(lead)s converted into opportunity %(number)s.")
                % {"lead": lead.number, "number": opportunity.number},
            )
            return redirect("marketing:opportunity_detail", pk=opportunity.pk)
    return _detail_page(request, lead, convert_form=form, status=400)


@permission("marketing.add_lead")
@require_http_methods(["GET", "POST"])
def lead_import_page(request):
    form = LeadImportForm(request.POST or None, request.FILES or None)
    imported: list[Lead] = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = lead_import(
                file=form.cleaned_data["file"], by=request.user, default_source=form.cleaned_data["default_source"]
            )
        except LeadImportRefused as exc:
            form.add_error("file", exc.reason)
            for row in exc.rows:
                form.add_error("file", str(row))
        else:
            messages.success(
                request,
                ngettext("%(count)d lead imported.", "%(count)d leads imported.", len(imported))
                % {"count": len(imported)},
            )
            form = LeadImportForm()
    context = {"form": form, "imported": imported, "imported_url": _imported_url(imported)}
    return render(request, "marketing/lead_import.html", context, status=400 if form.errors else 200)


def _imported_url(leads: list[Lead]) -> str:
    """The lead list showing exactly the leads of one import: their numbers follow each other."""
    if not leads:
        return ""
    numbers = sorted(lead.number for lead in leads)
    return list_url("marketing:lead_list", number_from=numbers[0], number_to=numbers[-1])

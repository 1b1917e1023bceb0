"""Sales agreement pages: the list (with CSV), the follow-up list of unmet commitments, a new agreement, its page
with lines, fulfilment, versions and actions, the header and line edits, and releasing an order from it.

Managers maintain agreements; clerks read them and release orders (DESIGN.md §7)."""

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, ValidationFailed
from core.listing import Column, list_response
from core.selectors import transition_log_for
from core.web import form_action, form_add_domain_error, page_actions, paginate, permission, run_action, status_steps
from salesapp.choices import AgreementState
from salesapp.forms.agreements import (
    AgreementFilterForm,
    AgreementHeaderForm,
    AgreementLineEditForm,
    AgreementLineForm,
    AgreementReleaseForm,
)
from salesapp.models import SalesAgreement, SalesAgreementLine
from salesapp.selectors import agreements as selectors
from salesapp.services import agreements as services

STATUS_STEPS = [AgreementState.ON_HOLD, AgreementState.EFFECTIVE, AgreementState.CLOSED]
RELEASE_KEY = re.compile(r"^lines\[(?P<index>\d+)\]\.(?P<field>\w+)$")

AGREEMENT_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda agreement: agreement.number),
    Column("customer", gettext_lazy("Customer"), lambda agreement: agreement.customer.party.name),
    Column("commitment_type", gettext_lazy("Commitment"), lambda agreement: agreement.get_commitment_type_display()),
    Column("valid_from", gettext_lazy("Valid from"), lambda agreement: agreement.valid_from),
    Column("valid_to", gettext_lazy("Valid to"), lambda agreement: agreement.valid_to),
    Column("state", gettext_lazy("Status"), lambda agreement: agreement.get_state_display()),
    Column("currency", gettext_lazy("Currency"), lambda agreement: agreement.currency, page=False),
    Column("description", gettext_lazy("Description"), lambda agreement: agreement.description, page=False),
]


def _agreement_or_404(pk: int) -> SalesAgreement:
    try:
        return selectors.agreement_get(pk=pk)
    except SalesAgreement.DoesNotExist:
        raise Http404(_("No such sales agreement.")) from None


def agreement_steps(agreement: SalesAgreement) -> list[dict]:
    if agreement.state in STATUS_STEPS:
        return status_steps(agreement.state, STATUS_STEPS)
    return status_steps(agreement.state, [AgreementState.ON_HOLD, agreement.state])


def _with_fulfilment(rows: list[SalesAgreement]) -> list[SalesAgreement]:
    """The page's 25 rows with their fulfilment, read in two statements for all of them."""
    found = selectors.agreements_fulfilment(rows)
    for agreement in rows:
        agreement.fulfilment = found[agreement.pk]
    return rows


@permission("salesapp.view_salesagreement")
@require_GET
def agreement_list(request):
    filter_form = AgreementFilterForm(request.GET)
    agreements = selectors.agreement_list(**filter_form.filters(), ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=agreements,
        columns=AGREEMENT_COLUMNS,
        sorts=selectors.AGREEMENT_SORTS,
        template="salesapp/agreement_list.html",
        filename="sales-agreements",
        form=filter_form,
        context={"filter_form": filter_form},
        page_rows=_with_fulfilment,
    )


@permission("salesapp.view_salesagreement")
@require_GET
def agreement_followup(request):
    """Agreements whose validity ended with a commitment unmet: who to call about it."""
    page_obj = paginate(request, selectors.agreements_unmet())
    page_obj.object_list = _with_fulfilment(list(page_obj.object_list))
    return render(request, "salesapp/agreement_followup.html", {"page_obj": page_obj})


@permission("salesapp.add_salesagreement")
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    form = AgreementHeaderForm(
        request.POST if request.method == "POST" else None, initial={"customer": request.GET.get("customer")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(by=request.user, lines=[], **form.header())
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Sales agreement %(number)s created: add its lines.") % {"number": agreement.number}
            )
            return redirect("salesapp:agreement_detail", pk=agreement.pk)
    return render(request, "salesapp/agreement_form.html", {"form": form, "agreement": None})


def _detail_page(request, pk: int, *, line_form=None, release_form=None, status=200):
    agreement = _agreement_or_404(pk)
    page = page_actions(
        agreement, user=request.user, url=lambda name: reverse(f"salesapp:agreement_{name}", args=[agreement.pk])
    )
    fulfilment = selectors.agreement_fulfilment(agreement)
    lines = [row.line for row in fulfilment.lines]
    editable = agreement.refusal_reason("edit") is None and request.user.has_perm("salesapp.change_salesagreement")
    can_release = agreement.refusal_reason("release") is None and request.user.has_perm(services.RELEASE_PERMISSION)
    context = {
        "agreement": agreement,
        "steps": agreement_steps(agreement),
        "page": page,
        "fulfilment": fulfilment,
        "editable": editable,
        "line_form": (line_form or AgreementLineForm(prefix="add", commitment_type=agreement.commitment_type))
        if editable
        else None,
        "release_form": (release_form or AgreementReleaseForm(prefix="release", lines=lines)) if can_release else None,
        "release_refusal": agreement.refusal_reason("release") if agreement.state != AgreementState.ON_HOLD else None,
        "versions": selectors.agreement_versions(agreement),
        "orders": agreement.orders.order_by("-id")[:20],
        "transitions": transition_log_for(agreement),
    }
    return render(request, "salesapp/agreement_detail.html", context, status=status)


@permission("salesapp.view_salesagreement")
@require_GET
def agreement_detail(request, pk: int):
    return _detail_page(request, pk)


@permission("salesapp.change_salesagreement")
@require_http_methods(["GET", "POST"])
def agreement_update(request, pk: int):
    agreement = _agreement_or_404(pk)
    fixed_terms = agreement.refusal_reason("terms") is not None
    form = AgreementHeaderForm(
        request.POST if request.method == "POST" else None,
        fixed_terms=fixed_terms,
        customer=agreement.customer,
        initial={
            "customer": agreement.customer,
            "commitment_type": agreement.commitment_type,
            "currency": agreement.currency,
            "valid_from": agreement.valid_from,
            "valid_to": agreement.valid_to,
            "default_discount_percent": agreement.default_discount_percent,
            "description": agreement.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = form_action(
            request,
            form,
            lambda: services.agreement_update(agreement=agreement, by=request.user, **form.header()),
            success=lambda updated: _("Sales agreement %(number)s updated.") % {"number": updated.number},
            done_url=reverse("salesapp:agreement_detail", args=[pk]),
        )
        if done:
            return done
    return render(request, "salesapp/agreement_form.html", {"form": form, "agreement": agreement})


@permission("salesapp.change_salesagreement")
@require_POST
def agreement_line_add(request, pk: int):
    agreement = get_object_or_404(SalesAgreement, pk=pk)
    form = AgreementLineForm(request.POST, prefix="add", commitment_type=agreement.commitment_type)
    if form.is_valid():
        done = form_action(
            request,
            form,
            lambda: services.agreement_line_add(agreement=agreement, line=form.line_input(), by=request.user),
            success=lambda added: _("Line %(no)s added.") % {"no": added.line_no},
            done_url=reverse("salesapp:agreement_detail", args=[pk]),
        )
        if done:
            return done
    return _detail_page(request, pk, line_form=form, status=400)


@permission("salesapp.change_salesagreement")
@require_http_methods(["GET", "POST"])
def agreement_line_update(request, pk: int, line_pk: int):
    line = get_object_or_404(
        SalesAgreementLine.objects.select_related("agreement", "item"), pk=line_pk, agreement_id=pk
    )
    agreement = line.agreement
    form = AgreementLineEditForm(
        request.POST if request.method == "POST" else None,
        commitment_type=agreement.commitment_type,
        initial={
            "committed_quantity": line.committed_quantity,
            "committed_amount": line.committed_amount,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = form_action(
            request,
            form,
            lambda: services.agreement_line_update(agreement_line=line, by=request.user, **form.changes()),
            success=lambda updated: _("Line %(no)s updated.") % {"no": line.line_no},
            done_url=reverse("salesapp:agreement_detail", args=[pk]),
        )
        if done:
            return done
    return render(request, "salesapp/agreement_line_form.html", {"form": form, "agreement": agreement, "line": line})


@permission("salesapp.change_salesagreement")
@require_POST
def agreement_line_remove(request, pk: int, line_pk: int):
    line = get_object_or_404(SalesAgreementLine, pk=line_pk, agreement_id=pk)
    run_action(
        request,
        lambda: services.agreement_line_remove(agreement_line=line, by=request.user),
        success=_("Line %(no)s removed.") % {"no": line.line_no},
    )
    return redirect("salesapp:agreement_detail", pk=pk)


def _transition_view(service, success):
    @permission("salesapp.change_salesagreement")
    @require_POST
    def view(request, pk: int):
        agreement = get_object_or_404(SalesAgreement, pk=pk)
        extra = {} if service is services.agreement_activate else {"reason": request.POST.get("reason", "")[:300]}
        run_action(
            request,
            lambda: service(agreement=agreement, by=request.user, **extra),
            success=success % agreement.number,
        )
        return redirect("salesapp:agreement_detail", pk=pk)

    return view


agreement_activate = _transition_view(services.agreement_activate, gettext_lazy("Sales agreement %s is effective."))
agreement_hold = _transition_view(services.agreement_hold, gettext_lazy("Sales agreement %s is on hold."))
agreement_close = _transition_view(services.agreement_close, gettext_lazy("Sales agreement %s closed."))
agreement_cancel = _transition_view(services.agreement_cancel, gettext_lazy("Sales agreement %s canceled."))


def _release_errors(form: AgreementReleaseForm, picked, exc: ValidationFailed) -> None:
    """The service names release lines by their position in what was picked: put each error on that line's field."""
    for key, message in exc.field_errors.items():
        match = RELEASE_KEY.match(key)
        if match and int(match["index"]) < len(picked):
            line = picked[int(match["index"])].agreement_line
            name = f"item_{line.pk}" if match["field"] == "item" else f"quantity_{line.pk}"
            form.add_error(name if name in form.fields else None, message)
        else:
            form.add_error(key if key in form.fields else None, message)


@permission("salesapp.view_salesagreement")
@require_POST
def agreement_release(request, pk: int):
    agreement = get_object_or_404(SalesAgreement, pk=pk)
    lines = list(agreement.lines.select_related("item").order_by("line_no"))
    form = AgreementReleaseForm(request.POST, prefix="release", lines=lines)
    if form.is_valid():
        picked = form.release_lines()
        try:
            order = services.agreement_release(
                agreement=agreement,
                lines=picked,
                requested_ship_date=form.cleaned_data["requested_ship_date"],
                customer_reference=form.cleaned_data["customer_reference"],
                by=request.user,
            )
        except ValidationFailed as exc:
            _release_errors(form, picked, exc)
        except DomainError as exc:
            messages.error(request, exc.reason)
            return redirect("salesapp:agreement_detail", pk=pk)
        else:
            messages.success(
                request,
                _("Sales order %(order)s released from agreement %(number)s.")
                % {"order": order.number, "number": agreement.number},
            )
            return redirect("salesapp:order_detail", pk=order.pk)
    return _detail_page(request, pk, release_form=form, status=400)

"""Quotation pages: the list, a new quotation, the quotation page with its lines, revisions and actions, the
comparison of two revisions, the PDF, and the conversion report."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import extensions
from core.errors import DomainError, ValidationFailed
from core.listing import Column, list_response
from core.pdf import pdf_response
from core.selectors import transition_log_for
from core.web import form_add_domain_error, page_actions, page_panels, permission, run_action, status_steps
from marketing.models import CampaignTarget, Opportunity
from salesapp.choices import QuotationState
from salesapp.documents import quotation_pdf
from salesapp.forms.quotations import (
    QuotationAcceptForm,
    QuotationCreateForm,
    QuotationFilterForm,
    QuotationLineForm,
    QuotationLoseForm,
    QuotationUpdateForm,
    RevisionCompareForm,
)
from salesapp.models import Quotation, QuotationLine, QuotationRevision
from salesapp.selectors import quotations as selectors
from salesapp.services import quotations as services
from salesapp.services.quotation_mail import quotation_email_send
from salesapp.views.line_entry import line_preview_context, line_previews_for
from salesapp.views.quotation_suggestions import quotation_suggestions_context

STATUS_STEPS = [QuotationState.DRAFT, QuotationState.SENT, QuotationState.ACCEPTED]


def _quotation_or_404(pk: int) -> Quotation:
    try:
        return selectors.quotation_get(pk=pk)
    except Quotation.DoesNotExist:
        raise Http404(_("No such quotation.")) from None


def quotation_steps(quotation: Quotation) -> list[dict]:
    if quotation.state in STATUS_STEPS:
        return status_steps(quotation.state, STATUS_STEPS)
    return status_steps(quotation.state, [QuotationState.DRAFT, QuotationState.SENT, quotation.state])


QUOTATION_COLUMNS = [
    Column("number", gettext_lazy("Number"), lambda quotation: quotation.number),
    Column("recipient", gettext_lazy("Customer or prospect"), lambda quotation: quotation.recipient_name),
    Column("quotation_date", gettext_lazy("Date"), lambda quotation: quotation.quotation_date),
    Column("valid_until", gettext_lazy("Valid until"), lambda quotation: quotation.valid_until),
    Column("state", gettext_lazy("Status"), lambda quotation: quotation.get_state_display()),
    Column("owner", gettext_lazy("Owner"), lambda quotation: quotation.owner.username),
    Column("revision", gettext_lazy("Revision"), lambda quotation: quotation.current_revision or "", page=False),
    Column("currency", gettext_lazy("Currency"), lambda quotation: quotation.currency, page=False),
    Column("total", gettext_lazy("Total"), lambda quotation: quotation.amount_total, css="num"),
]


@permission("salesapp.view_quotation")
@require_GET
def quotation_list(request):
    filter_form = QuotationFilterForm(request.GET)
    filters = filter_form.filters()
    quotations = selectors.quotation_list(**filters, ordering=request.GET.get("sort", ""))
    return list_response(
        request,
        queryset=quotations,
        columns=QUOTATION_COLUMNS,
        sorts=selectors.QUOTATION_SORTS,
        template="salesapp/quotation_list.html",
        filename="quotations",
        form=filter_form,
        context={"filter_form": filter_form},
    )


@permission("salesapp.add_quotation")
@require_http_methods(["GET", "POST"])
def quotation_create(request):
    form = QuotationCreateForm(
        request.POST if request.method == "POST" else None,
        initial={"customer": request.GET.get("customer"), "party": request.GET.get("party")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quotation = services.quotation_create(by=request.user, lines=[], **data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Quotation %(number)s created: add its lines.") % {"number": quotation.number})
            return redirect("salesapp:quotation_detail", pk=quotation.pk)
    return render(request, "salesapp/quotation_create.html", {"form": form})


def _detail_page(request, pk: int, *, line_form=None, status=200):
    quotation = _quotation_or_404(pk)
    page = page_actions(
        quotation, user=request.user, url=lambda name: reverse(f"salesapp:quotation_{name}", args=[quotation.pk])
    )
    editable = quotation.refusal_reason("edit") is None and request.user.has_perm("salesapp.change_quotation")
    revisions = selectors.quotation_revisions(quotation)
    lines = list(quotation.lines.all())
    context = {
        **quotation_suggestions_context(request, quotation, lines, editable=editable),
        "quotation": quotation,
        "lines": lines,
        "steps": quotation_steps(quotation),
        "page": page,
        "editable": editable,
        "line_form": (line_form or QuotationLineForm(prefix="add")) if editable else None,
        "revisions": revisions,
        "compare_form": RevisionCompareForm(
            initial={"a": max(1, quotation.revision_count - 1), "b": quotation.revision_count}
        ),
        "lose_form": QuotationLoseForm(),
        "emails": selectors.quotation_emails(quotation),
        "transitions": transition_log_for(quotation),
        "panels": page_panels(quotation, user=request.user),
    }
    if quotation.state == QuotationState.SENT:
        context["convert_choices"] = selectors.quotation_convert_choices(lines=lines, user=request.user)
    return render(request, "salesapp/quotation_detail.html", context, status=status)


@permission("salesapp.view_quotation")
@require_GET
def quotation_detail(request, pk: int):
    return _detail_page(request, pk)


@permission("salesapp.change_quotation")
@require_http_methods(["GET", "POST"])
def quotation_update(request, pk: int):
    quotation = _quotation_or_404(pk)
    form = QuotationUpdateForm(
        request.POST if request.method == "POST" else None,
        initial={
            "valid_until": quotation.valid_until,
            "requested_ship_date": quotation.requested_ship_date,
            "external_document_number": quotation.external_document_number,
            "terms": quotation.terms,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.quotation_update(quotation=quotation, by=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form_add_domain_error(form, exc)
        except DomainError as exc:
            messages.error(request, exc.reason)
            return redirect("salesapp:quotation_detail", pk=quotation.pk)
        else:
            messages.success(request, _("Quotation %(number)s updated.") % {"number": quotation.number})
            return redirect("salesapp:quotation_detail", pk=quotation.pk)
    return render(request, "salesapp/quotation_update.html", {"quotation": quotation, "form": form})


@permission("salesapp.change_quotation")
@require_POST
def quotation_line_add(request, pk: int):
    quotation = get_object_or_404(Quotation.objects.select_related("customer"), pk=pk)
    form = QuotationLineForm(request.POST, prefix="add")
    if form.is_valid() and form.price_confirmation_check(
        line_previews_for(
            [form],
            customer=quotation.customer,
            date=quotation.quotation_date,
            currency=quotation.currency,
            tax_group_id=selectors.prospect_tax_group_id(quotation),
        )[0][0]
    ):
        try:
            added = services.quotation_line_add(quotation=quotation, line=form.line_input(), by=request.user)
        except ValidationFailed as exc:
            form_add_domain_error(form, exc)
        except DomainError as exc:
            messages.error(request, exc.reason)
            return redirect("salesapp:quotation_detail", pk=pk)
        else:
            messages.success(request, _("Line %(no)s added.") % {"no": added.line_no})
            return redirect("salesapp:quotation_detail", pk=pk)
    return _detail_page(request, pk, line_form=form, status=400)


@permission("salesapp.change_quotation")
@require_GET
def quotation_line_preview(request, pk: int):
    """The line being added as it will be saved, and the quotation's totals with it (htmx). A prospect has no
    customer account: its lines get the prices for all customers."""
    quotation = _quotation_or_404(pk)
    context = line_preview_context(
        QuotationLineForm(request.GET, prefix="add"),
        customer=quotation.customer,
        date=quotation.quotation_date,
        currency=quotation.currency,
        existing=quotation.lines.select_related("tax_code"),
        ship_date=quotation.requested_ship_date,
        tax_group_id=selectors.prospect_tax_group_id(quotation),
    )
    return render(request, "salesapp/includes/line_preview.html", {**context, "quotation": quotation})


@permission("salesapp.change_quotation")
@require_POST
def quotation_line_remove(request, pk: int, line_pk: int):
    line = get_object_or_404(QuotationLine, pk=line_pk, quotation_id=pk)
    run_action(
        request,
        lambda: services.quotation_line_remove(quotation_line=line, by=request.user),
        success=_("Line %(no)s removed.") % {"no": line.line_no},
    )
    return redirect("salesapp:quotation_detail", pk=pk)


def _transition_view(service, success):
    @permission("salesapp.change_quotation")
    @require_POST
    def view(request, pk: int):
        quotation = get_object_or_404(Quotation, pk=pk)
        done = run_action(
            request, lambda: service(quotation=quotation, by=request.user), success=success % quotation.number
        )
        if done is not None and getattr(done, "pk", pk) != pk:
            return redirect("salesapp:quotation_detail", pk=done.pk)
        return redirect("salesapp:quotation_detail", pk=pk)

    return view


quotation_send = _transition_view(services.quotation_send, gettext_lazy("Quotation %s sent."))
quotation_revise = _transition_view(
    services.quotation_revise, gettext_lazy("Quotation %s is a draft again: revise it.")
)
quotation_cancel = _transition_view(services.quotation_cancel, gettext_lazy("Quotation %s canceled."))
quotation_copy = _transition_view(services.quotation_copy, gettext_lazy("Quotation %s copied into a new draft."))


@permission("salesapp.change_quotation")
@require_POST
def quotation_accept(request, pk: int):
    quotation = get_object_or_404(Quotation, pk=pk)
    form = QuotationAcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the revision the customer accepted."))
        return redirect("salesapp:quotation_detail", pk=pk)
    revision = form.cleaned_data["revision"]
    convert_to = form.cleaned_data["convert_to"] or services.CONVERT_TO_ORDER
    accepted = run_action(
        request,
        lambda: services.quotation_accept(
            quotation=quotation, revision=revision, convert_to=convert_to, by=request.user
        ),
        success=_("Quotation %(number)s r%(revision)s accepted.") % {"number": quotation.number, "revision": revision},
    )
    if accepted is not None:
        converter = extensions.quotation_converters[convert_to]
        document = accepted.converted_document
        messages.info(
            request, _("%(document)s created from it.") % {"document": capfirst(converter.describe(document))}
        )
        return redirect(converter.url(document))
    return redirect("salesapp:quotation_detail", pk=pk)


@permission("salesapp.send_quotation")
@require_POST
def quotation_email(request, pk: int):
    """Email the revision last sent, with its PDF, to the party's address (the API may name another)."""
    quotation = get_object_or_404(Quotation.objects.select_related("customer__party", "party"), pk=pk)
    run_action(
        request,
        lambda: quotation_email_send(quotation=quotation, by=request.user),
        success=_("Quotation %(number)s r%(revision)s is being emailed to %(to)s.")
        % {"number": quotation.number, "revision": quotation.current_revision, "to": quotation.recipient_email},
    )
    return redirect("salesapp:quotation_detail", pk=pk)


@permission("salesapp.change_quotation")
@require_POST
def quotation_lose(request, pk: int):
    quotation = get_object_or_404(Quotation, pk=pk)
    form = QuotationLoseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the quotation was lost."))
        return redirect("salesapp:quotation_detail", pk=pk)
    run_action(
        request,
        lambda: services.quotation_lose(
            quotation=quotation, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"], by=request.user
        ),
        success=_("Quotation %(number)s marked lost.") % {"number": quotation.number},
    )
    return redirect("salesapp:quotation_detail", pk=pk)


@permission("salesapp.view_quotation")
@require_GET
def quotation_compare(request, pk: int):
    quotation = _quotation_or_404(pk)
    form = RevisionCompareForm(request.GET)
    comparison = None
    if form.is_valid():
        found = {}
        for name in ("a", "b"):
            try:
                found[name] = selectors.revision_get(quotation=quotation, number=form.cleaned_data[name])
            except QuotationRevision.DoesNotExist:
                form.add_error(name, _("There is no revision r%(number)s.") % {"number": form.cleaned_data[name]})
        if not form.errors:
            comparison = selectors.revision_compare(found["a"], found["b"])
    return render(
        request,
        "salesapp/quotation_compare.html",
        {"quotation": quotation, "form": form, "comparison": comparison},
        status=200 if comparison or not request.GET else 400,
    )


@permission("salesapp.view_quotation")
@require_GET
def quotation_pdf_view(request, pk: int):
    quotation = _quotation_or_404(pk)
    revision = None
    if request.GET.get("revision", "").isdigit():
        number = int(request.GET["revision"])
        try:
            revision = selectors.revision_get(quotation=quotation, number=number)
        except QuotationRevision.DoesNotExist:
            raise Http404(
                _("Quotation %(number)s has no revision r%(revision)s.")
                % {"number": quotation.number, "revision": number}
            ) from None
    content, filename = quotation_pdf(quotation, revision=revision)
    return pdf_response(content, filename)


@permission("salesapp.add_quotation")
@require_POST
def quotation_create_for_opportunity(request, pk: int):
    opportunity = get_object_or_404(Opportunity, pk=pk)
    try:
        quotation = services.quotation_create_for_opportunity(opportunity=opportunity, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("marketing:opportunity_detail", pk=opportunity.pk)
    messages.success(
        request,
        _("Quotation %(number)s created for opportunity %(opportunity)s: add its lines.")
        % {"number": quotation.number, "opportunity": opportunity.number},
    )
    return redirect("salesapp:quotation_detail", pk=quotation.pk)


@permission("salesapp.add_quotation")
@require_POST
def quotation_create_for_response(request, pk: int):
    """A draft quotation for a campaign target that answered positively, attributed to the campaign."""
    target = get_object_or_404(CampaignTarget, pk=pk)
    try:
        quotation = services.quotation_create_for_response(target=target, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect("marketing:target_detail", pk=target.pk)
    messages.success(
        request,
        _("Quotation %(number)s created for %(name)s in campaign %(campaign)s: add its lines.")
        % {"number": quotation.number, "name": target.name, "campaign": quotation.campaign.number},
    )
    return redirect("salesapp:quotation_detail", pk=quotation.pk)


@permission("salesapp.view_quotation")
@require_GET
def quotation_conversion(request):
    """Accepted out of decided (accepted or lost) quotations, per owner and per campaign."""
    return render(
        request,
        "salesapp/quotation_conversion.html",
        {
            "tables": [
                (_("Per owner"), selectors.conversion_by_owner()),
                (_("Per campaign"), selectors.conversion_by_campaign()),
            ]
        },
    )

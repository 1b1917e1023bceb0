"""Packing-slip billing run pages: choose customers, dates and grouping, see the preview (the invoices the run
would make and each slip it would leave out, with the reason), start it; on the run's page, post its invoices."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError, ValidationFailed
from core.web import form_add_domain_error, permission
from invoicing.forms.billing_runs import SummaryRunForm
from invoicing.models import BillingRun
from invoicing.selectors.summary_runs import (
    PREVIEW_LIMIT,
    summary_preview,
    summary_run_inputs,
)
from invoicing.services.summary_runs import summary_run_post_all, summary_run_start


@permission("invoicing.add_billingrun")
@require_http_methods(["GET", "POST"])
def summary_run_create(request):
    """GET: the choices and, once previewed, what a run with them would invoice; POST: start it."""
    preview = None
    if request.method == "POST":
        form = SummaryRunForm(request.POST)
        if form.is_valid():
            try:
                run = summary_run_start(
                    customers=form.chosen_customers(),
                    slips_from=form.cleaned_data["slips_from"],
                    slips_to=form.cleaned_data["slips_to"],
                    grouping=form.cleaned_data["grouping"],
                    by=request.user,
                )
            except ValidationFailed as exc:
                form_add_domain_error(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.reason)
            else:
                messages.success(request, _("Billing run started."))
                return redirect("invoicing:billing_run_detail", pk=run.pk)
    elif "grouping" in request.GET:
        form = SummaryRunForm(request.GET)
        if form.is_valid():
            customers = form.chosen_customers()
            try:
                preview = summary_preview(
                    inputs=summary_run_inputs(
                        customer_ids=None if customers is None else [customer.pk for customer in customers],
                        slips_from=form.cleaned_data["slips_from"],
                        slips_to=form.cleaned_data["slips_to"],
                        grouping=form.cleaned_data["grouping"],
                    )
                )
            except ValidationFailed as exc:
                form_add_domain_error(form, exc)
    else:
        form = SummaryRunForm()
    context = {"form": form, "preview": preview, "limit": PREVIEW_LIMIT}
    if preview is not None:
        context["groups"] = preview.groups[:PREVIEW_LIMIT]
        context["left_out"] = preview.left_out[:PREVIEW_LIMIT]
    return render(request, "invoicing/summary_run_create.html", context)


@permission("invoicing.post_invoice")
@require_POST
def summary_run_post_all_view(request, pk: int):
    run = get_object_or_404(BillingRun, pk=pk)
    try:
        summary_run_post_all(run=run, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Posting the run's invoices."))
    return redirect("invoicing:billing_run_detail", pk=run.pk)

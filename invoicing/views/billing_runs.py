"""Billing run pages: the list, a new run with its preview, and a run's page that follows the job's progress
until its results are in."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError, ValidationFailed
from core.web import form_add_domain_error, paginate, permission
from invoicing.forms.billing_runs import BillingRunForm
from invoicing.models import BillingRun
from invoicing.selectors.billing_runs import billing_preview, billing_run_list, billing_run_results
from invoicing.services.billing_runs import billing_run_start
from invoicing.services.summary_runs import summary_run_post_refusal


@permission("invoicing.view_billingrun")
@require_GET
def billing_run_list_view(request):
    return render(request, "invoicing/billing_run_list.html", {"page_obj": paginate(request, billing_run_list())})


@permission("invoicing.add_billingrun")
@require_http_methods(["GET", "POST"])
def billing_run_create(request):
    """GET: the date and, once one is given, the preview of what a run up to it would bill; POST: start it."""
    preview = None
    if request.method == "POST":
        form = BillingRunForm(request.POST)
        if form.is_valid():
            try:
                run = billing_run_start(bill_until=form.cleaned_data["bill_until"], by=request.user)
            except ValidationFailed as exc:
                form_add_domain_error(form, exc)
            except DomainError as exc:
                form.add_error(None, exc.reason)
            else:
                messages.success(request, _("Billing run started."))
                return redirect("invoicing:billing_run_detail", pk=run.pk)
    elif "bill_until" in request.GET:
        form = BillingRunForm(request.GET)
        if form.is_valid():
            try:
                preview = billing_preview(bill_until=form.cleaned_data["bill_until"])
            except ValidationFailed as exc:
                form_add_domain_error(form, exc)
    else:
        form = BillingRunForm(initial={"bill_until": timezone.localdate()})
    return render(request, "invoicing/billing_run_create.html", {"form": form, "preview": preview})


def _run_context(request, pk: int) -> dict:
    run = get_object_or_404(BillingRun.objects.select_related("started_by"), pk=pk)
    # Results are read once the run is done: until then the page only follows its progress.
    results = paginate(request, billing_run_results(run)) if run.finished else None
    # A packing-slip run offers "Post all" while drafts of it are left.
    has_drafts = run.is_summary and run.finished and summary_run_post_refusal(run) is None
    return {"run": run, "results": results, "has_drafts": has_drafts}


@permission("invoicing.view_billingrun")
@require_GET
def billing_run_detail(request, pk: int):
    return render(request, "invoicing/billing_run_detail.html", _run_context(request, pk))


@permission("invoicing.view_billingrun")
@require_GET
def billing_run_progress(request, pk: int):
    """The run's progress alone: the run page asks for it every two seconds until the run is finished, and then
    gets the results with it."""
    return render(request, "invoicing/includes/billing_run_progress.html", _run_context(request, pk))

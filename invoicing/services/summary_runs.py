"""Packing-slip billing runs (DESIGN.md §5, summary invoicing): a job drafts one summary invoice per group of
posted packing slips (per customer, per customer and currency, or per customer and order), keeping a result per
group; "Post all" is a second job that posts the run's drafts one after the other, so they take gapless numbers
in posting order, and records a refusal on the result of an invoice it could not post while it posts the rest."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ActionForbidden, DomainError, TransitionRefused
from core.errors import ErrorCode as CoreErrorCode
from core.jobs import job_enqueue
from core.transitions import transition_run
from invoicing.choices import BillingRunKind, BillingRunState, InvoiceState
from invoicing.errors import ErrorCode
from invoicing.jobs import summary_run_job, summary_run_post_all_job
from invoicing.models import BillingRun, BillingRunResult
from invoicing.selectors.summary_runs import SummaryGroup, SummaryRunInputs, summary_preview, summary_run_inputs
from invoicing.services.billing_runs import run_progress, run_step
from invoicing.services.invoices import _revenue_accounts, invoice_post
from invoicing.services.subscriptions import billing_permission_guard
from invoicing.services.summary_invoices import summary_invoice_create
from salesapp.models import Customer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

# The jobs commit this many invoices at a time (each in its own savepoint, so a refusal undoes only its own):
# one commit per invoice would cost more than the invoice. While "Post all" commits a batch it holds the invoice
# number series, so another clerk's posting waits for at most one batch (well under a second).
BATCH = 20


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


POST_PERMISSION = "invoicing.post_invoice"


@transaction.atomic
def summary_run_start(
    *,
    customers: Iterable[Customer] | None,
    slips_from: datetime.date | None,
    slips_to: datetime.date | None,
    grouping: str,
    by: User,
) -> BillingRun:
    """Queue a run invoicing the posted, uninvoiced packing slips of ``customers`` (None: every customer) shipped
    from ``slips_from`` (None: from the first) to ``slips_to`` (None: today); the job is committed with it."""
    billing_permission_guard(by)
    inputs = summary_run_inputs(
        customer_ids=None if customers is None else [customer.pk for customer in customers],
        slips_from=slips_from,
        slips_to=slips_to,
        grouping=grouping,
    )
    run = BillingRun.objects.create(
        kind=BillingRunKind.PACKING_SLIPS,
        bill_until=inputs.slips_to,
        slips_from=inputs.slips_from,
        grouping=inputs.grouping,
        started_by=by,
    )
    if inputs.customer_ids is not None:
        run.customers.set(inputs.customer_ids)
    job_enqueue(summary_run_job, run_id=run.pk)
    return run


def summary_run_inputs_of(run: BillingRun) -> SummaryRunInputs:
    chosen = list(run.customers.values_list("pk", flat=True))
    return SummaryRunInputs(
        customer_ids=tuple(sorted(chosen)) or None,
        slips_from=run.slips_from,
        slips_to=run.bill_until,
        grouping=run.grouping,
    )


def summary_run_process(*, run_id: int) -> BillingRun:
    """The job's work, outside a transaction: the groups' drafts are committed in batches, each draft made in its
    own savepoint together with its result row, and the progress committed with each batch. Idempotent: a retried
    job skips the groups it has a result for (and their slips are claimed by the drafts made), so nothing is
    invoiced twice."""
    run = BillingRun.objects.select_related("started_by").get(pk=run_id)
    if run.state == BillingRunState.DONE:
        return run
    preview = summary_preview(inputs=summary_run_inputs_of(run))
    done = set(BillingRunResult.objects.filter(run=run).values_list("group_key", flat=True))
    # A retry finds the slips its first attempt drafted claimed (left out), so its groups are the rest.
    total = len(done | {group.key for group in preview.groups})
    run_step(run, "start", total=total, processed=len(done))
    accounts = _revenue_accounts()
    try:
        for batch in _batches([group for group in preview.groups if group.key not in done]):
            with transaction.atomic():
                for group in batch:
                    _group_invoice(run, group, accounts)
                run_progress(run, processed=F("processed") + len(batch))
    except Exception as exc:
        run_step(run, "fail", error=repr(exc)[:2000], finished_at=timezone.now())
        raise
    run_step(run, "finish", finished_at=timezone.now())
    run.refresh_from_db()
    return run


def _group_invoice(run: BillingRun, group: SummaryGroup, accounts: dict[str, int]) -> None:
    customer = group.customer  # summary_invoice_create reads it afresh with the orders' lock
    try:
        with transaction.atomic():
            invoice = summary_invoice_create(
                customer=customer,
                currency=group.currency,
                slip_line_ids=group.slip_line_ids,
                by=run.started_by,
                revenue_accounts=accounts,
            )
            BillingRunResult.objects.create(run=run, customer=customer, group_key=group.key, invoice=invoice)
    except DomainError as refused:
        _result_refused(run, customer, group.key, str(refused.reason))
    except Exception as error:
        # One group's fault (its draft rolled back) is listed with it and the run goes on with the others.
        logger.exception("Billing run %s could not invoice group %s", run.pk, group.key)
        _result_refused(
            run, customer, group.key, gettext("Not invoiced: an error occurred (%(error)s).") % {"error": error}
        )


def _result_refused(run: BillingRun, customer: Customer, key: str, reason: str) -> None:
    BillingRunResult.objects.create(run=run, customer=customer, group_key=key, refusal=reason[:2000])


def summary_run_post_refusal(run: BillingRun) -> str | None:
    """Why "Post all" cannot start now, or None."""
    if run.kind != BillingRunKind.PACKING_SLIPS:
        return gettext("Only a packing-slip run's invoices are posted together: a subscription run posts its own.")
    if run.state != BillingRunState.DONE:
        return gettext("The run is still making its invoices: post them once it is done.")
    if run.posting_state in (BillingRunState.QUEUED, BillingRunState.RUNNING):
        return gettext("The run's invoices are being posted already.")
    if not BillingRunResult.objects.filter(run=run, invoice__state=InvoiceState.DRAFT).exists():
        return gettext("The run has no draft invoice left to post.")
    return None


@transaction.atomic
def summary_run_post_all(*, run: BillingRun, by: User) -> BillingRun:
    """Queue the job posting every draft the run made, in the order of its results."""
    if not by.has_perm(POST_PERMISSION):
        raise ActionForbidden(
            code=CoreErrorCode.PERMISSION_DENIED, reason=gettext("You are not allowed to post invoices.")
        )
    run = BillingRun.objects.select_for_update().get(pk=run.pk)
    reason = summary_run_post_refusal(run)
    if reason:
        raise TransitionRefused(code=ErrorCode.BILLING_RUN_INVALID, reason=reason)
    drafts = BillingRunResult.objects.filter(run=run, invoice__state=InvoiceState.DRAFT).count()
    transition_run(run.posting_queue, by=by, check_permission=False)  # the permission to post is checked above
    run.posting_total = drafts
    run.posting_processed = 0
    run.posting_started_by = by
    run.save(update_fields=["posting_state", "posting_total", "posting_processed", "posting_started_by"])
    job_enqueue(summary_run_post_all_job, run_id=run.pk)
    return run


def summary_run_post_process(*, run_id: int, store_pdf: bool = True) -> BillingRun:
    """The posting job: each draft posted in its own savepoint, in result order (so the numbers follow it), the
    batches committed one after the other with the progress;
    an invoice refused (its customer blocked since, an order held, …) keeps the reason on its result row and the
    others are posted. Idempotent: a retry finds the posted ones posted and goes on with the drafts."""
    run = BillingRun.objects.select_related("posting_started_by").get(pk=run_id)
    if run.posting_state == BillingRunState.DONE:
        return run
    results = list(
        BillingRunResult.objects.filter(run=run, invoice__isnull=False)
        .select_related("invoice__customer__party")
        .order_by("pk")
    )
    drafts = [result for result in results if result.invoice.state == InvoiceState.DRAFT]
    run_step(run, "posting_start", posting_total=len(drafts), posting_processed=0)
    try:
        for batch in _batches(drafts):
            with transaction.atomic():
                for result in batch:
                    _result_post(run, result, store_pdf=store_pdf)
                run_progress(run, posting_processed=F("posting_processed") + len(batch))
    except Exception:
        run_step(run, "posting_fail")
        raise
    run_step(run, "posting_finish")
    run.refresh_from_db()
    return run


def _result_post(run: BillingRun, result: BillingRunResult, *, store_pdf: bool) -> None:
    refusal = ""
    try:
        with transaction.atomic():
            # The poster's permission was checked when "Post all" was started (summary_run_post_all).
            invoice_post(invoice=result.invoice, by=run.posting_started_by, store_pdf=store_pdf, check_permission=False)
    except DomainError as refused:
        refusal = str(refused.reason)
    except Exception as error:
        logger.exception("Billing run %s could not post invoice %s", run.pk, result.invoice_id)
        refusal = gettext("Not posted: an error occurred (%(error)s).") % {"error": error}
    if refusal or result.posting_refusal:
        BillingRunResult.objects.filter(pk=result.pk).update(posting_refusal=refusal[:2000])

"""Billing runs (DESIGN.md §5): a job invoices every subscription due up to a date, each period in its own
transaction, and keeps a result per period: the invoice it made or the reason it could not."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import system_actor
from core.dates import date_in_window, date_window_message
from core.errors import DomainError, ValidationFailed
from core.jobs import job_enqueue
from core.transitions import transition_run
from invoicing.choices import BillingRunKind, BillingRunState
from invoicing.jobs import billing_run_job
from invoicing.models import BillingRun, BillingRunResult
from invoicing.selectors.billing_runs import subscriptions_due
from invoicing.services.subscriptions import billing_permission_guard, subscription_period_bill
from salesapp.errors import ErrorCode as SalesErrorCode
from salesapp.models import SalesOrder

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def billing_run_start(*, bill_until: datetime.date | None, by: User, scheduled: bool = False) -> BillingRun:
    """Queue a run that bills every subscription due by ``bill_until``; the job is committed with the run.
    ``scheduled``: the daily run the company's schedule starts (``billing_run_daily``), as the system actor,
    which holds no permissions: the schedule is the authorization."""
    if not scheduled:
        billing_permission_guard(by)
    if bill_until is None:
        raise ValidationFailed(field_errors={"bill_until": gettext("Enter the date to bill up to.")})
    if not date_in_window(bill_until):
        raise ValidationFailed(field_errors={"bill_until": date_window_message()})
    run = BillingRun.objects.create(kind=BillingRunKind.SUBSCRIPTIONS, bill_until=bill_until, started_by=by)
    job_enqueue(billing_run_job, run_id=run.pk)
    return run


def billing_run_daily(*, today: datetime.date | None = None) -> BillingRun:
    return billing_run_start(bill_until=today or timezone.localdate(), by=system_actor(), scheduled=True)


def run_progress(run: BillingRun, **fields) -> None:
    """Counts and notes of a running run, committed at once for its page to follow (its jobs run outside a
    transaction). The state moves only through ``run_step``."""
    BillingRun.objects.filter(pk=run.pk).update(**fields)


def run_step(run: BillingRun, step: str, **fields) -> None:
    """Move the run (or its posting) on by the transition ``step``, logged on its timeline, with ``fields``."""
    fresh = BillingRun.objects.get(pk=run.pk)
    transition = getattr(fresh, step)
    transition_run(transition, by=system_actor(), check_permission=False)
    for name, value in fields.items():
        setattr(fresh, name, value)
    state_field = transition._django_fsm.field
    state_name = state_field if isinstance(state_field, str) else state_field.name
    fresh.save(update_fields=[state_name, *fields])


def billing_run_process(*, run_id: int) -> BillingRun:
    """The job's work. Runs outside a transaction: each period is billed in its own (one refusal or failure
    undoes nothing else) together with its result row, and the progress is committed after each subscription,
    for the run page to follow. Idempotent: a retried job finds the periods billed before advanced past, so
    nothing is billed twice; a run done is left as it is."""
    run = BillingRun.objects.select_related("started_by").get(pk=run_id)
    if run.state == BillingRunState.DONE:
        return run
    order_ids = list(subscriptions_due(bill_until=run.bill_until).values_list("pk", flat=True))
    run_step(run, "start", total=len(order_ids), processed=0)
    try:
        for order_id in order_ids:
            _order_bill(run, order_id)
            run_progress(run, processed=F("processed") + 1)
    except Exception as exc:
        run_step(run, "fail", error=repr(exc)[:2000], finished_at=timezone.now())
        raise
    run_step(run, "finish", finished_at=timezone.now())
    run.refresh_from_db()
    return run


def _order_bill(run: BillingRun, order_id: int) -> None:
    """Bill every due period of one subscription, oldest first, until it is billed up to date or refused."""
    order = SalesOrder(pk=order_id)
    while True:
        try:
            with transaction.atomic():
                invoice = subscription_period_bill(
                    order=order,
                    bill_until=run.bill_until,
                    by=run.started_by,
                    # The run's start was authorized (billing_run_start); its periods are its postings.
                    check_permission=False,
                )
                BillingRunResult.objects.create(
                    run=run,
                    order_id=order_id,
                    period_start=invoice.subscription_period.period_start,
                    invoice=invoice,
                )
        except DomainError as refused:
            # Billed up to date (here or by a run at the same time), or ended with its last period: done.
            if refused.code != SalesErrorCode.SUBSCRIPTION_NOT_DUE:
                _refusal_record(run, order_id, _reason(refused))
            return
        except Exception as error:
            # A fault in one subscription (its period rolled back) is listed with it and the run goes on: the
            # subscriptions due after it are billed, and an administrator sees the error in the log.
            logger.exception("Billing run %s could not bill order %s", run.pk, order_id)
            _refusal_record(run, order_id, gettext("Not billed: an error occurred (%(error)s).") % {"error": error})
            return


def _refusal_record(run: BillingRun, order_id: int, reason: str) -> None:
    start = SalesOrder.objects.filter(pk=order_id).values_list("next_billing_date", flat=True).first()
    BillingRunResult.objects.create(run=run, order_id=order_id, period_start=start, refusal=reason[:2000])


def _reason(error: DomainError) -> str:
    field_errors = getattr(error, "field_errors", None)
    if field_errors:
        return " ".join(str(message) for message in field_errors.values())
    return str(getattr(error, "reason", "") or error)

"""Packing-slip runs: a retried job does nothing twice, and "Post all" records a refusal on its result row and
posts the others, numbered in posting order."""

import pytest

from invoicing.choices import BillingRunState
from invoicing.models import BillingRun, BillingRunResult, Invoice
from invoicing.services.invoices import invoice_create_from_order, invoice_post
from invoicing.services.summary_runs import (
    summary_run_post_all,
    summary_run_post_process,
    summary_run_process,
    summary_run_start,
)
from tests.factories.summary_invoicing import NOVEMBER, month_of_slips

pytestmark = pytest.mark.django_db


def test_a_retried_run_makes_no_invoice_twice(manager):
    # given: a run done once, then put back to running as a worker lost mid-way would leave it
    customer, _orders, _slips = month_of_slips(manager)
    run = summary_run_start(customers=[customer], grouping="customer_order", by=manager, **NOVEMBER)
    summary_run_process(run_id=run.pk)
    BillingRun.objects.filter(pk=run.pk).update(state=BillingRunState.RUNNING)

    # when
    again = summary_run_process(run_id=run.pk)

    # then
    assert (again.state, again.total, again.processed) == ("done", 3, 3)
    assert BillingRunResult.objects.filter(run=run).count() == 3
    assert Invoice.objects.count() == 3


def test_post_all_records_a_refusal_and_posts_the_others_in_order(manager, billing):
    # given: two customers' months drafted by one run; the first customer's first order is then invoiced on its
    # own, so the run's draft for that customer bills a delivery twice
    first, orders, _slips = month_of_slips(manager)
    second, _orders2, _slips2 = month_of_slips(manager)
    run = summary_run_start(customers=[first, second], grouping="customer", by=manager, **NOVEMBER)
    summary_run_process(run_id=run.pk)
    invoice_post(invoice=invoice_create_from_order(order=orders[0], by=billing), store_pdf=False, by=billing)
    summary_run_post_all(run=run, by=billing)

    # when
    done = summary_run_post_process(run_id=run.pk, store_pdf=False)

    # then: the first stays a draft with the reason on its row; the second is posted, next number in the series
    assert (done.posting_state, done.posting_total, done.posting_processed) == ("done", 2, 2)
    rows = list(
        BillingRunResult.objects.filter(run=run)
        .order_by("pk")
        .values_list("customer_id", "invoice__state", "invoice__number", "posting_refusal")
    )
    item = orders[0].lines.get().item.number
    assert rows == [
        (first.pk, "draft", None, f"Line 10 ({item}): 2 to invoice but only 0 delivered and not yet invoiced."),
        (second.pk, "posted", "INV-000002", ""),
    ]


def test_a_runs_steps_are_transitions_on_its_timeline_and_a_step_out_of_order_is_refused(manager, billing):
    from django_fsm_log.models import StateLog

    from core.errors import TransitionRefused
    from invoicing.services.billing_runs import run_step

    # given: a run made and posted
    customer, _orders, _slips = month_of_slips(manager)
    run = summary_run_start(customers=[customer], grouping="customer", by=manager, **NOVEMBER)
    summary_run_process(run_id=run.pk)
    summary_run_post_all(run=run, by=billing)
    summary_run_post_process(run_id=run.pk, store_pdf=False)

    # then: each step is on the run's timeline, the queueing by the clerk who asked for it
    steps = list(StateLog.objects.for_(run).order_by("pk").values_list("transition", "state", "by__username"))
    assert [step[:2] for step in steps] == [
        ("start", "running"),
        ("finish", "done"),
        ("posting_queue", "queued"),
        ("posting_start", "running"),
        ("posting_finish", "done"),
    ]
    assert steps[2][2] == billing.username

    # and a finished run cannot be finished again
    with pytest.raises(TransitionRefused):
        run_step(run, "finish")
    run.refresh_from_db()
    assert (run.state, run.posting_state) == ("done", "done")

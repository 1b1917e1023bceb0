"""The job queue's front door: jobs commit with their change, run like a worker runs them, retry, prune."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.exceptions import AlreadyEnqueued

from core.errors import ActionForbidden, TransitionRefused
from core.jobs import job_enqueue, job_retry, jobs_run_due, prune
from core.models import JobFailure
from invoicing.jobs import invoice_pdf_store_job
from invoicing.services.invoices import invoice_post
from tests.factories.invoicing import draft_invoice, posted_invoice


def backdate_finished(job_id: int, days: int) -> None:
    # procrastinate dates a job's end by its last event; its tables are read-only to the ORM.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_events SET at = now() - make_interval(days => %s) WHERE job_id = %s", [days, job_id]
        )


def test_a_job_enqueued_in_a_transaction_that_rolls_back_is_gone_with_it(db):
    # when
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(invoice_pdf_store_job, invoice_id=1)
        assert ProcrastinateJob.objects.count() == 1
        raise RuntimeError("the business change failed")

    # then
    assert not ProcrastinateJob.objects.exists()


def test_a_queueing_lock_refuses_a_second_waiting_job(db):
    # given
    job_enqueue(invoice_pdf_store_job, queueing_lock="invoice-pdf-7", invoice_id=7)

    # when / then
    with pytest.raises(AlreadyEnqueued), transaction.atomic():
        job_enqueue(invoice_pdf_store_job, queueing_lock="invoice-pdf-7", invoice_id=7)
    assert list(ProcrastinateJob.objects.values_list("queueing_lock", "args")) == [("invoice-pdf-7", {"invoice_id": 7})]


def test_the_due_jobs_run_and_are_recorded_as_a_worker_records_them(clerk, billing):
    # given
    invoice = posted_invoice(by=clerk, post_by=billing)

    # when
    [run] = jobs_run_due()
    again = jobs_run_due()

    # then
    job = ProcrastinateJob.objects.get()
    assert (run.job_id, run.status, job.status, job.attempts, again) == (job.pk, "succeeded", "succeeded", 1, [])
    assert list(job.procrastinateevent_set.order_by("id").values_list("type", flat=True)) == [
        "deferred",
        "started",
        "succeeded",
    ]
    invoice.refresh_from_db()
    assert invoice.pdf.name


def test_a_failing_job_retries_with_backoff_then_fails_with_every_error_kept(clerk, billing, monkeypatch):
    # given: rendering is broken; the PDF job is retried three times
    invoice = posted_invoice(by=clerk, post_by=billing)
    monkeypatch.setattr("invoicing.documents.render_pdf", lambda **kwargs: 1 / 0)
    job = ProcrastinateJob.objects.get()

    # when: each attempt, made due again at once instead of waiting for its backoff
    statuses = []
    for _attempt in range(4):
        [run] = jobs_run_due()
        statuses.append(run.status)
        job.refresh_from_db()
        if job.status == "todo":
            assert job.scheduled_at > timezone.now()  # waiting for the backoff
            with connection.cursor() as cursor:
                cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = %s", [job.pk])

    # then
    job.refresh_from_db()
    assert (statuses, job.status, job.attempts) == (["todo", "todo", "todo", "failed"], "failed", 4)
    assert list(JobFailure.objects.values_list("job_id", "attempt", "task_name")) == [
        (job.pk, attempt, "invoicing.invoice_pdf_store") for attempt in (1, 2, 3, 4)
    ]
    assert JobFailure.objects.last().error.splitlines()[-1] == "ZeroDivisionError: division by zero"
    invoice.refresh_from_db()
    assert invoice.pdf.name == ""


def test_an_administrator_retries_a_failed_job(clerk, billing, administrator, monkeypatch):
    # given: a PDF job that failed for good
    posted_invoice(by=clerk, post_by=billing)
    job = ProcrastinateJob.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'failed', attempts = 3 WHERE id = %s", [job.pk])

    # when
    retried = job_retry(job=job, by=administrator)
    [run] = jobs_run_due()

    # then
    assert (retried.status, run.job_id, run.status) == ("todo", job.pk, "succeeded")


def test_only_a_failed_job_is_retried_and_only_by_an_administrator(clerk, billing, administrator):
    # given: a waiting job
    posted_invoice(by=clerk, post_by=billing)
    job = ProcrastinateJob.objects.get()

    # when / then
    with pytest.raises(TransitionRefused) as not_failed:
        job_retry(job=job, by=administrator)
    with pytest.raises(ActionForbidden) as not_allowed:
        job_retry(job=job, by=billing)
    assert not_failed.value.reason == f"Job {job.pk} has status waiting: only a failed job can be retried."
    assert not_allowed.value.reason == "You are not allowed to retry background jobs."
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("todo", 0)  # untouched


def test_the_daily_prune_removes_old_finished_jobs_their_errors_and_expired_sessions(clerk, billing, settings):
    # given: jobs finished 20 and 2 days ago, one failed 20 days ago, an expired and a live session
    settings.SALESFLOW_JOBS_KEEP_DAYS, settings.SALESFLOW_FAILED_JOBS_KEEP_DAYS = 14, 90
    old, recent, failed_long_ago = (posted_invoice(by=clerk, post_by=billing) for _ in range(3))
    jobs_run_due()
    old_job, recent_job, failed_job = ProcrastinateJob.objects.order_by("id")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = %s", [failed_job.pk])
    backdate_finished(old_job.pk, 20)
    backdate_finished(recent_job.pk, 2)
    backdate_finished(failed_job.pk, 20)
    JobFailure.objects.create(job_id=old_job.pk, attempt=1, task_name=old_job.task_name, error="boom")
    JobFailure.objects.create(job_id=failed_job.pk, attempt=1, task_name=failed_job.task_name, error="boom")
    expired, live = SessionStore(), SessionStore()
    expired.create()
    live.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=timezone.now() - datetime.timedelta(days=1))

    # when
    pruned = prune()

    # then
    assert (pruned.jobs, pruned.job_failures, pruned.sessions) == (1, 1, 1)
    assert list(ProcrastinateJob.objects.order_by("id").values_list("id", flat=True)) == [recent_job.pk, failed_job.pk]
    assert list(JobFailure.objects.values_list("job_id", flat=True)) == [failed_job.pk]
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]


def test_the_prune_runs_daily_as_a_periodic_job():
    # then
    [periodic] = [
        task for task in app.periodic_registry.periodic_tasks.values() if task.task.name == "core.prune_daily"
    ]
    assert (periodic.cron, periodic.task.queue, periodic.task.queueing_lock) == (
        "17 3 * * *",
        "long",
        "core.prune_daily",
    )


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_pdf_of_a_committed_posting(clerk, billing):
    # given: a posting committed, its job waiting in the queue
    invoice = invoice_post(invoice=draft_invoice(by=clerk), by=billing)
    assert ProcrastinateJob.objects.get().status == "todo"

    # when: procrastinate's own worker, on psycopg 3 like `manage.py procrastinate worker`, runs until the
    # queue is empty
    with app.replace_connector(app.connector.get_worker_connector()):
        app.run_worker(wait=False, listen_notify=False, install_signal_handlers=False, concurrency=1)

    # then (the worker also ran the periodic webhook relay: it defers it every 10 seconds)
    job = ProcrastinateJob.objects.exclude(task_name="integrations.webhook_relay").get()
    invoice.refresh_from_db()
    assert (job.status, job.task_name) == ("succeeded", "invoicing.invoice_pdf_store")
    assert invoice.pdf.name.startswith("invoices/")

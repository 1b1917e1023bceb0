"""The job queue's front door (DESIGN.md §2.3): procrastinate, with PostgreSQL as the queue.

Services enqueue with ``job_enqueue`` *inside* their transaction. The job row is written on Django's own
connection, so it commits or rolls back with the business change: a worker never sees a job for a change
that did not happen, and a change never commits without its job. Each app keeps its tasks in its own
``jobs.py``; this module holds the shared ones (the daily prune) and the few operations on the queue itself
(retry a failed job, run the due jobs in this process).

Workers (``manage.py procrastinate worker``) connect through psycopg 3 and take jobs as they are
committed; as many as needed can run, on any machine that reaches the database."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from procrastinate import RetryStrategy, sql
from procrastinate import jobs as queue_jobs
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.manager import JobManager

from core.errors import ActionForbidden, ErrorCode, TransitionRefused
from core.models import JobFailure

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from procrastinate.tasks import Task

logger = logging.getLogger(__name__)

# The queues workers take jobs from (DESIGN.md §9): short work a user waits for (a stored PDF) and work
# that may run for minutes (a campaign's mail, housekeeping). A worker takes both unless told otherwise.
DEFAULT_QUEUE = "default"
LONG_QUEUE = "long"


def outside_world_retry(*transient: type[Exception]) -> RetryStrategy:
    """For jobs that talk to the outside world (a mail server): up to 10 retries, waiting 2, 4, 8 … 2048 s before
    them, about 70 minutes in all: long enough to ride out a restarting or briefly overloaded mail server. Only
    the ``transient`` failures (and a lost database connection) are retried: a bug fails the job at once, for
    the job list to show."""
    return RetryStrategy(max_attempts=10, exponential_wait=2, retry_exceptions=[*transient, OperationalError])


JOB_STATUS_LABELS = {
    "todo": _("waiting"),
    "doing": _("running"),
    "succeeded": _("succeeded"),
    "failed": _("failed"),
    "cancelled": _("cancelled"),
    "aborted": _("aborted"),
}

# Always Django's connection, also inside a worker (whose app talks to the queue through psycopg 3): a job
# that enqueues another one does so inside its own transaction, like a web request does.
_queue = JobManager(DjangoConnector())


def job_enqueue(task: Task, *, queueing_lock: str | None = None, **kwargs: Any) -> int:
    """Put one job for ``task`` in the queue, in the caller's transaction; returns the job's id.

    ``queueing_lock``: while a job with this lock waits, another one is refused (AlreadyEnqueued)."""
    job = task.configure(queueing_lock=queueing_lock).job
    return queue_jobs.JobDeferrer(job_manager=_queue, job=job).defer(**kwargs)


def job_enqueue_many(task: Task, arguments: Iterable[dict[str, Any]]) -> list[int]:
    """One job per item of ``arguments``, all in one statement, in the caller's transaction."""
    arguments = list(arguments)
    if not arguments:
        return []
    job = task.configure().job
    return queue_jobs.JobDeferrer(job_manager=_queue, job=job).batch_defer(*arguments)


# The jobs admin page's permissions (procrastinate's job model). Administrators hold every permission; another
# role may be given these without being made an administrator, and an administrator without them is refused.
JOBS_VIEW_PERMISSION = "procrastinate.view_procrastinatejob"
JOBS_RETRY_PERMISSION = "procrastinate.change_procrastinatejob"


def may_view_jobs(user: User) -> bool:
    # has_perm: active users only, superusers always; the permissions are cached on the user object.
    return user.has_perm(JOBS_VIEW_PERMISSION)


def may_retry_jobs(user: User) -> bool:
    return user.has_perm(JOBS_RETRY_PERMISSION)


@transaction.atomic
def job_retry(*, job: ProcrastinateJob, by: User) -> ProcrastinateJob:
    """Put a failed job back in the queue, to run now. The job keeps its attempts count and its errors."""
    if not may_retry_jobs(by):
        raise ActionForbidden(
            code=ErrorCode.PERMISSION_DENIED, reason=gettext("You are not allowed to retry background jobs.")
        )
    job = ProcrastinateJob.objects.select_for_update().get(pk=job.pk)
    if job.status != queue_jobs.Status.FAILED.value:
        raise TransitionRefused(
            code=ErrorCode.JOB_NOT_FAILED,
            reason=gettext("Job %(id)s has status %(status)s: only a failed job can be retried.")
            % {"id": job.pk, "status": JOB_STATUS_LABELS.get(job.status, job.status)},
        )
    # No date: due at once by the database's clock, whatever the web server's clock says.
    _queue.retry_job_by_id(job.pk, None, job.priority, job.queue_name, job.lock)
    job.refresh_from_db()
    return job


def job_failure_record(*, job_id: int, attempt: int, task_name: str, error: BaseException) -> None:
    """What went wrong in one attempt: procrastinate itself keeps only that it failed, not why."""
    text = "".join(traceback.format_exception(error)).strip()
    JobFailure.objects.create(job_id=job_id, attempt=attempt, task_name=task_name, error=text[-8000:])


def record_failures(call_next, context, worker):
    """Worker task middleware: a failing attempt leaves its error where the admin's job list shows it."""
    try:
        return call_next()
    except Exception as exc:
        job = context.job
        job_failure_record(job_id=job.id, attempt=job.attempts + 1, task_name=job.task_name, error=exc)
        raise


def on_app_ready(procrastinate_app) -> None:
    """PROCRASTINATE_ON_APP_READY: every worker records the errors of failing attempts."""
    defaults = dict(procrastinate_app.worker_defaults)
    defaults["task_middleware"] = [*defaults.get("task_middleware", []), record_failures]
    procrastinate_app.worker_defaults = defaults


@dataclass(frozen=True)
class JobRun:
    job_id: int
    task_name: str
    status: str  # succeeded, failed, or todo again when it will be retried later
    error: str = ""


def jobs_run_due(*, queues: list[str] | None = None, limit: int = 10_000) -> list[JobRun]:
    """Run the jobs that are due, one after the other, in this thread and on Django's connection, the way
    a worker would: the same fetch (locks, priorities, schedule), the same retry decisions, the same
    bookkeeping in procrastinate's tables. For tests whose flow needs its jobs done, and for commands that
    must finish their work before they return. A job retried later (backoff) is not waited for."""
    connector = _queue.connector
    worker_id = connector.execute_query_one(query=sql.queries["register_worker"])["worker_id"]
    runs: list[JobRun] = []
    try:
        while len(runs) < limit:
            row = connector.execute_query_one(query=sql.queries["fetch_job"], queues=queues, worker_id=worker_id)
            if row["id"] is None:
                break
            # Django's connection hands jsonb over as text (its JSONField parses it), the worker's as objects.
            if isinstance(row["args"], str):
                row = {**row, "args": json.loads(row["args"])}
            runs.append(_run(queue_jobs.Job.from_row(row)))
    finally:
        connector.execute_query(query=sql.queries["unregister_worker"], worker_id=worker_id)
    return runs


def _run(job: queue_jobs.Job) -> JobRun:
    task = app.tasks[job.task_name]
    try:
        task(**job.task_kwargs)
    except Exception as exc:
        job_failure_record(job_id=job.id, attempt=job.attempts + 1, task_name=job.task_name, error=exc)
        retry = task.get_retry_exception(exception=exc, job=job)
        if retry:
            decision = retry.retry_decision
            _queue.retry_job_by_id(job.id, decision.retry_at, decision.priority, decision.queue, decision.lock)
            return JobRun(job.id, job.task_name, queue_jobs.Status.TODO.value, repr(exc))
        _finish(job, queue_jobs.Status.FAILED)
        return JobRun(job.id, job.task_name, queue_jobs.Status.FAILED.value, repr(exc))
    _finish(job, queue_jobs.Status.SUCCEEDED)
    return JobRun(job.id, job.task_name, queue_jobs.Status.SUCCEEDED.value)


def _finish(job: queue_jobs.Job, status: queue_jobs.Status) -> None:
    _queue.connector.execute_query(
        query=sql.queries["finish_job"], job_id=job.id, status=status.value, delete_job=False
    )


@dataclass(frozen=True)
class Pruned:
    jobs: int
    job_failures: int
    sessions: int
    idempotency_keys: int = 0


def prune() -> Pruned:
    """Remove what only grows: finished jobs (after SALESFLOW_JOBS_KEEP_DAYS; failed ones after
    SALESFLOW_FAILED_JOBS_KEEP_DAYS, someone may still want to read or retry them), the recorded errors of
    jobs that are gone, expired sessions. Business records and their audit trail are never pruned."""
    before = ProcrastinateJob.objects.count()
    for statuses, days in (
        (["succeeded", "cancelled", "aborted"], settings.SALESFLOW_JOBS_KEEP_DAYS),
        (["failed"], settings.SALESFLOW_FAILED_JOBS_KEEP_DAYS),
    ):
        # procrastinate's own query: a job counts as finished at its last event.
        _queue.connector.execute_query(
            query=sql.queries["delete_old_jobs"], nb_hours=days * 24, queue=None, statuses=statuses
        )
    jobs = before - ProcrastinateJob.objects.count()
    failures, _ = JobFailure.objects.exclude(job_id__in=ProcrastinateJob.objects.values("id")).delete()
    sessions, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    from core.api.idempotency import idempotency_keys_prune

    keys = idempotency_keys_prune()
    return Pruned(jobs=jobs, job_failures=failures, sessions=sessions, idempotency_keys=keys)


@app.periodic(cron="17 3 * * *", periodic_id="daily")
@app.task(name="core.prune_daily", queue=LONG_QUEUE, queueing_lock="core.prune_daily")
def prune_daily(*, timestamp: int) -> None:
    """Every night at 03:17 UTC (procrastinate's schedules are in UTC)."""
    pruned = prune()
    logger.info(
        "Pruned %s jobs, %s job errors, %s sessions, %s idempotency keys",
        pruned.jobs,
        pruned.job_failures,
        pruned.sessions,
        pruned.idempotency_keys,
    )

"""Background jobs of invoicing (enqueued through core.jobs, inside the service's transaction)."""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from core.jobs import DEFAULT_QUEUE, LONG_QUEUE, outside_world_retry
from invoicing.documents import invoice_pdf_store
from marketing.errors import MailServerUnavailable


# Rendering is local work: a failure is most likely the document itself, so three retries and then the
# clerk's download renders it (invoicing.documents.invoice_pdf) while an administrator looks at the error.
@app.task(name="invoicing.invoice_pdf_store", queue=DEFAULT_QUEUE, retry=RetryStrategy(max_attempts=3, wait=10))
def invoice_pdf_store_job(*, invoice_id: int) -> None:
    """Render and store a posted invoice's PDF. Idempotent: a PDF already stored (by an earlier attempt or
    by someone who downloaded it first) is kept as it is."""
    invoice_pdf_store(invoice_id=invoice_id)


# A run bills period after period and commits each: a retry (after a lost connection, a worker stopped) goes
# on from where it stopped, since billed periods are behind the orders' next billing dates.
@app.task(name="invoicing.billing_run", queue=LONG_QUEUE, retry=RetryStrategy(max_attempts=3, wait=60))
def billing_run_job(*, run_id: int) -> None:
    """Bill every subscription due by the run's date (invoicing.services.billing_runs.billing_run_process)."""
    # Imported when the job runs, to keep the import one-way (services enqueue jobs from this module).
    from invoicing.services.billing_runs import billing_run_process

    billing_run_process(run_id=run_id)


@app.periodic(cron="30 4 * * *", periodic_id="daily")
@app.task(name="invoicing.billing_run_daily", queue=LONG_QUEUE, queueing_lock="invoicing.billing_run_daily")
def billing_run_daily_job(*, timestamp: int) -> None:
    """Every night at 04:30 UTC: a billing run for today bills the subscriptions due."""
    from invoicing.services.billing_runs import billing_run_daily

    billing_run_daily()


@app.task(
    name="invoicing.invoice_email_deliver",
    queue=DEFAULT_QUEUE,
    retry=outside_world_retry(MailServerUnavailable),
)
def invoice_email_deliver_job(*, email_id: int) -> None:
    """Send one invoice or credit note email with its PDF. A retry finds it claimed or sent and does nothing."""
    from invoicing.services.invoice_emails import invoice_email_deliver

    invoice_email_deliver(email_id=email_id)


# Retried only while the mail server is unreachable (salesapp.services.document_mail): the row is claimed before
# the message goes, so a retry never sends a statement twice.
@app.task(
    name="invoicing.customer_statement_deliver",
    queue=DEFAULT_QUEUE,
    retry=outside_world_retry(MailServerUnavailable),
)
def customer_statement_deliver_job(*, statement_id: int) -> None:
    from invoicing.services.statements import customer_statement_deliver

    customer_statement_deliver(statement_id=statement_id)


# Packing-slip runs: each group's draft is committed with its result, so a retry drafts only the groups left.
@app.task(name="invoicing.summary_run", queue=LONG_QUEUE, retry=RetryStrategy(max_attempts=3, wait=60))
def summary_run_job(*, run_id: int) -> None:
    """Draft the summary invoices of a packing-slip run (invoicing.services.summary_runs.summary_run_process)."""
    from invoicing.services.summary_runs import summary_run_process

    summary_run_process(run_id=run_id)


# Each invoice is posted in its own transaction: a retry posts only the drafts left.
@app.task(name="invoicing.summary_run_post_all", queue=LONG_QUEUE, retry=RetryStrategy(max_attempts=3, wait=60))
def summary_run_post_all_job(*, run_id: int) -> None:
    """Post every draft a packing-slip run made (invoicing.services.summary_runs.summary_run_post_process)."""
    from invoicing.services.summary_runs import summary_run_post_process

    summary_run_post_process(run_id=run_id)

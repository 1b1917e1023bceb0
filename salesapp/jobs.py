"""Background jobs of sales (enqueued through core.jobs, inside the service's transaction)."""

import logging

from procrastinate.contrib.django import app

from core.jobs import DEFAULT_QUEUE, LONG_QUEUE, outside_world_retry
from marketing.errors import MailServerUnavailable

logger = logging.getLogger(__name__)


@app.periodic(cron="5 4 * * *", periodic_id="daily")
@app.task(name="salesapp.quotations_expire_daily", queue=LONG_QUEUE, queueing_lock="salesapp.quotations_expire_daily")
def quotations_expire_daily(*, timestamp: int) -> None:
    """Every night at 04:05 UTC: sent quotations past their valid-until date expire. Idempotent: a second run
    finds none left to expire."""
    # Imported when the job runs, to keep the import one-way (services enqueue jobs from this module).
    from core.actors import system_actor
    from salesapp.services.quotations import quotations_expire_due

    expired = quotations_expire_due(by=system_actor())
    logger.info("Expired %s quotations", len(expired))


@app.task(
    name="salesapp.quotation_email_deliver",
    queue=DEFAULT_QUEUE,
    retry=outside_world_retry(MailServerUnavailable),
)
def quotation_email_deliver_job(*, email_id: int) -> None:
    """Send one quotation email with its PDF. A retry (after the mail server failed) finds the email claimed
    or sent and does nothing, so the customer never gets it twice."""
    from salesapp.services.quotation_mail import quotation_email_deliver

    quotation_email_deliver(email_id=email_id)


@app.task(
    name="salesapp.order_confirmation_deliver",
    queue=DEFAULT_QUEUE,
    retry=outside_world_retry(MailServerUnavailable),
)
def order_confirmation_deliver_job(*, confirmation_id: int) -> None:
    """Send one order confirmation with its PDF. A retry finds it claimed or sent and does nothing."""
    from salesapp.services.order_confirmations import order_confirmation_deliver

    order_confirmation_deliver(confirmation_id=confirmation_id)


@app.task(
    name="salesapp.order_approval_notify",
    queue=DEFAULT_QUEUE,
    retry=outside_world_retry(MailServerUnavailable),
)
def order_approval_notify_job(*, decision_id: int) -> None:
    """Email the requester of an order's approval what was decided. A retry finds the decision claimed or
    notified and does nothing, so nobody gets the message twice."""
    from salesapp.services.approvals import order_approval_notify

    order_approval_notify(decision_id=decision_id)


@app.task(
    name="salesapp.backorder_notice_deliver",
    queue=DEFAULT_QUEUE,
    retry=outside_world_retry(MailServerUnavailable),
)
def backorder_notice_deliver_job(*, notice_id: int) -> None:
    """Email a customer the new ship dates of their backorder lines. A retry finds the notice claimed or sent and
    does nothing, so the customer never gets it twice."""
    from salesapp.services.backorders import backorder_notice_deliver

    backorder_notice_deliver(notice_id=notice_id)

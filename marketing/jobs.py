"""Background jobs of marketing (enqueued through core.jobs, inside the service's transaction)."""

from procrastinate.contrib.django import app

from core.jobs import LONG_QUEUE, outside_world_retry
from marketing.errors import MailServerUnavailable


@app.task(name="marketing.campaign_email_batch", queue=LONG_QUEUE, retry=outside_world_retry(MailServerUnavailable))
def campaign_email_batch(*, campaign_id: int, target_ids: list[int]) -> None:
    """Send one batch of a campaign's email. A retry (after the mail server failed) skips every target
    already sent to or failed, so nobody gets the message twice."""
    # The service enqueues this task: imported here, when the job runs, to keep the import one-way.
    from marketing.services.campaign_mail import campaign_email_batch_deliver

    campaign_email_batch_deliver(campaign_id=campaign_id, target_ids=target_ids)

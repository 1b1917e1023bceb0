"""The webhook relay (every 10 seconds) and the delivery jobs it enqueues (integrations.services.webhooks)."""

from __future__ import annotations

import logging

from django.db import OperationalError
from procrastinate import BaseRetryStrategy, RetryDecision

from core.jobs import DEFAULT_QUEUE, app

logger = logging.getLogger(__name__)

# Waits before each retry: 30 s doubling up to 6 hours, then every 6 hours; 21 retries cover a little over
# three days (about 74.5 hours), long enough for a receiver down over a weekend.
RETRY_WAITS = [min(30 * 2**attempt, 6 * 3600) for attempt in range(21)]


class DeliveryRetry(BaseRetryStrategy):
    def get_retry_decision(self, *, exception, job):
        from integrations.services.webhooks import DeliveryFailed

        if not isinstance(exception, DeliveryFailed | OperationalError) or job.attempts >= len(RETRY_WAITS):
            return None
        return RetryDecision(retry_in={"seconds": RETRY_WAITS[job.attempts]})


@app.periodic(cron="* * * * * */10", periodic_id="webhook_relay")
@app.task(name="integrations.webhook_relay", queue=DEFAULT_QUEUE, queueing_lock="integrations.webhook_relay")
def webhook_relay_job(*, timestamp: int) -> None:
    from integrations.services.webhooks import webhook_relay_run

    enqueued = webhook_relay_run()
    if enqueued:
        logger.info("Enqueued %s webhook deliveries", enqueued)


@app.task(name="integrations.webhook_deliver", queue=DEFAULT_QUEUE, retry=DeliveryRetry())
def webhook_deliver_job(*, subscription_id: int, event_id: int, redelivery: bool = False) -> None:
    from integrations.services.webhooks import webhook_deliver

    webhook_deliver(subscription_id=subscription_id, event_id=event_id, redelivery=redelivery)

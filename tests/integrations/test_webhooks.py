"""Webhook deliveries: signed per Standard Webhooks, retried with backoff, logged, redelivered with the same id."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from procrastinate.contrib.django.models import ProcrastinateJob
from standardwebhooks import Webhook

from core.errors import ActionForbidden, TransitionRefused, ValidationFailed
from core.jobs import job_enqueue, jobs_run_due
from core.models import Event
from integrations.jobs import RETRY_WAITS, webhook_deliver_job
from integrations.models import WebhookDelivery
from integrations.services.webhooks import (
    webhook_redeliver,
    webhook_subscription_create,
    webhook_subscription_secret_rotate,
    webhook_subscription_update,
)
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.integrations.receiver import Receiver, receiver_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = receiver_start(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def confirmed_event(clerk):
    order = make_order(customer=make_customer(), lines=[(ItemFactory(unit_price=Decimal("10.00")), "2")], by=clerk)
    order_confirm(order=order, by=clerk)
    return Event.objects.get(type="sales_order.confirmed")


def _deliver(subscription, event) -> None:
    job_enqueue(webhook_deliver_job, subscription_id=subscription.pk, event_id=event.pk, redelivery=False)


def _due_now() -> None:
    # Time travel for the backoff: the waiting retries are due now.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")


def test_a_delivery_is_signed_per_standard_webhooks(integrator, receiver, confirmed_event):
    # given
    subscription = webhook_subscription_create(url=receiver.url, event_types=["sales_order.confirmed"], by=integrator)
    _deliver(subscription, confirmed_event)

    # when
    runs = jobs_run_due()

    # then: the receiver verifies the signature with the secret it was shown, and reads the event
    assert [run.status for run in runs] == ["succeeded"]
    (received,) = receiver.received
    assert subscription.secret.startswith("whsec_")
    document = Webhook(subscription.secret).verify(received.body, received.headers)
    assert received.headers["webhook-id"] == str(confirmed_event.pk)
    assert document["id"] == confirmed_event.pk
    assert document["type"] == "sales_order.confirmed"
    assert document["subject"] == {"type": "salesapp.salesorder", "id": confirmed_event.subject_id}
    assert document["data"]["amount_total"] == "24.20"  # 2 × 10.00 + 21 % tax
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempt, delivery.status_code, delivery.succeeded, delivery.error) == (1, 200, True, "")
    assert delivery.response_ms is not None


def test_a_signature_made_with_another_secret_does_not_verify(integrator, receiver, confirmed_event):
    subscription = webhook_subscription_create(url=receiver.url, by=integrator)
    old_secret = subscription.secret
    subscription = webhook_subscription_secret_rotate(subscription=subscription, by=integrator)
    _deliver(subscription, confirmed_event)

    jobs_run_due()

    (received,) = receiver.received
    assert subscription.secret != old_secret
    Webhook(subscription.secret).verify(received.body, received.headers)
    with pytest.raises(Exception, match="No matching signature found"):
        Webhook(old_secret).verify(received.body, received.headers)


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_attempt(integrator, receiver, confirmed_event):
    # given: a receiver answering 500, 500, then 200
    receiver.statuses = [500, 500, 200]
    subscription = webhook_subscription_create(url=receiver.url, by=integrator)
    _deliver(subscription, confirmed_event)

    # when: the job runs, then its retries each time they are due
    first = jobs_run_due()
    job = ProcrastinateJob.objects.get(task_name="integrations.webhook_deliver")
    _due_now()
    second = jobs_run_due()
    _due_now()
    third = jobs_run_due()

    # then: one job, three attempts, three log rows, the same webhook-id each time
    assert [run.status for run in first + second + third] == ["todo", "todo", "succeeded"]
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 3)
    log = list(WebhookDelivery.objects.order_by("id").values_list("attempt", "status_code", "succeeded", "error"))
    assert log == [
        (1, 500, False, "The receiver answered 500."),
        (2, 500, False, "The receiver answered 500."),
        (3, 200, True, ""),
    ]
    assert {received.headers["webhook-id"] for received in receiver.received} == {str(confirmed_event.pk)}
    assert receiver.applied == [str(confirmed_event.pk)]


def test_retries_span_at_least_three_days():
    assert sum(RETRY_WAITS) >= 3 * 24 * 3600
    assert RETRY_WAITS[:3] == [30, 60, 120]
    assert max(RETRY_WAITS) == 6 * 3600


def test_an_unreachable_receiver_is_logged_and_retried(integrator, confirmed_event):
    subscription = webhook_subscription_create(url="http://127.0.0.1:9/nothing-listens", by=integrator)
    _deliver(subscription, confirmed_event)

    (run,) = jobs_run_due()

    assert run.status == "todo"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status_code, delivery.succeeded) == (None, False)
    assert "refused" in delivery.error.lower()


def test_redelivery_keeps_the_webhook_id_and_a_deduping_receiver_applies_it_once(integrator, receiver, confirmed_event):
    # given: delivered once
    subscription = webhook_subscription_create(url=receiver.url, by=integrator)
    _deliver(subscription, confirmed_event)
    jobs_run_due()

    # when: sent again on request
    webhook_redeliver(subscription=subscription, event=confirmed_event, by=integrator)
    jobs_run_due()

    # then
    first, again = receiver.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"] == str(confirmed_event.pk)
    assert json.loads(first.body) == json.loads(again.body)
    assert receiver.applied == [str(confirmed_event.pk)]
    log = list(WebhookDelivery.objects.order_by("id").values_list("attempt", "redelivery", "succeeded"))
    assert log == [(1, False, True), (2, True, True)]


def test_an_inactive_subscription_is_not_delivered_to_nor_redelivered(integrator, receiver, confirmed_event):
    subscription = webhook_subscription_create(url=receiver.url, by=integrator)
    _deliver(subscription, confirmed_event)
    subscription = webhook_subscription_update(subscription=subscription, active=False, by=integrator)

    runs = jobs_run_due()

    assert [run.status for run in runs] == ["succeeded"]
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()
    with pytest.raises(TransitionRefused, match="not active"):
        webhook_redeliver(subscription=subscription, event=confirmed_event, by=integrator)


def test_subscription_input_is_checked_field_by_field(integrator):
    with pytest.raises(ValidationFailed) as refused:
        webhook_subscription_create(url="ftp://example.com", event_types=["order.shipped"], by=integrator)

    assert set(refused.value.field_errors) == {"url", "event_types"}
    assert "order.shipped" in refused.value.field_errors["event_types"]


def test_a_clerk_may_not_subscribe(clerk):
    with pytest.raises(ActionForbidden):
        webhook_subscription_create(url="https://example.com/hooks", by=clerk)

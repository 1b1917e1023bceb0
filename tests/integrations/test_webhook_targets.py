"""Webhooks go to public receivers only (unless the site allows internal ones): no request forgery into the
network the server sits in, checked on saving the subscription and again on every delivery."""

from decimal import Decimal

import pytest
from django.test import override_settings

from core.errors import ValidationFailed
from core.jobs import job_enqueue, jobs_run_due
from core.models import Event
from integrations.jobs import webhook_deliver_job
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services.webhooks import webhook_subscription_create
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import ItemFactory, make_customer, make_order
from tests.integrations.receiver import Receiver, receiver_start

pytestmark = pytest.mark.django_db


@override_settings(SALESFLOW_WEBHOOK_PRIVATE_TARGETS=False)
@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8000/hooks", "127.0.0.1"),
        ("http://10.1.2.3/hooks", "10.1.2.3"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::1]/hooks", "::1"),
        ("http://localhost/hooks", None),
    ],
)
def test_an_internal_receiver_is_refused_naming_the_address(integrator, url, address):
    with pytest.raises(ValidationFailed) as refused:
        webhook_subscription_create(url=url, by=integrator)

    message = refused.value.field_errors["url"]
    assert "webhooks are sent to public receivers only" in message
    if address:
        assert f"({address})" in message
    assert not WebhookSubscription.objects.exists()


@override_settings(SALESFLOW_WEBHOOK_PRIVATE_TARGETS=False)
def test_a_public_address_is_accepted(integrator):
    subscription = webhook_subscription_create(url="https://93.184.215.14/hooks", by=integrator)

    assert subscription.url == "https://93.184.215.14/hooks"


def test_a_delivery_is_refused_when_the_receiver_is_internal_by_then(integrator, clerk):
    # given: a subscription made while internal receivers were allowed, and an event
    receiver = Receiver()
    server = receiver_start(receiver)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
        subscription = webhook_subscription_create(url=url, by=integrator)
        order = make_order(customer=make_customer(), lines=[(ItemFactory(unit_price=Decimal("10.00")), "1")], by=clerk)
        order_confirm(order=order, by=clerk)
        event = Event.objects.get(type="sales_order.confirmed")

        # when: the site stops allowing them, and the delivery runs
        with override_settings(SALESFLOW_WEBHOOK_PRIVATE_TARGETS=False):
            job_enqueue(webhook_deliver_job, subscription_id=subscription.pk, event_id=event.pk, redelivery=False)
            jobs_run_due()
    finally:
        server.shutdown()
        server.server_close()

    # then: nothing was sent; the attempt is logged with the reason and retried later
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status_code, delivery.succeeded) == (None, False)
    assert "webhooks are sent to public receivers only" in delivery.error
    assert receiver.received == []

"""The admin as one more door: subscriptions made and rotated through the services, deliveries redelivered."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from core.models import Event
from integrations.models import WebhookDelivery, WebhookSubscription
from salesapp.services.orders import order_confirm
from tests.factories.salesapp import ItemFactory, make_customer, make_order


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_adding_a_subscription_shows_its_secret_once(client, administrator):
    client.force_login(administrator)

    response = client.post(
        reverse("admin:integrations_webhooksubscription_add"),
        {"url": "https://erp.example.com/hooks", "event_types": ["invoice.posted"], "active": "on"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = WebhookSubscription.objects.get()
    assert (subscription.event_types, subscription.created_by) == (["invoice.posted"], administrator)
    assert any(subscription.secret in message for message in _messages(response))
    shown_once = client.get(reverse("admin:integrations_webhooksubscription_changelist"))  # the message, once
    change = client.get(reverse("admin:integrations_webhooksubscription_change", args=[subscription.pk]))
    assert subscription.secret in shown_once.content.decode()
    assert change.status_code == 200
    assert subscription.secret not in change.content.decode()


def test_rotate_and_redeliver_actions(client, administrator, clerk):
    # given: a subscription and one logged delivery of a confirmed order
    client.force_login(administrator)
    subscription = WebhookSubscription.objects.create(url="https://erp.example.com/hooks", secret="whsec_old")
    order = make_order(customer=make_customer(), lines=[(ItemFactory(unit_price=Decimal(4)), "1")], by=clerk)
    order_confirm(order=order, by=clerk)
    event = Event.objects.get(type="sales_order.confirmed")
    delivery = WebhookDelivery.objects.create(subscription=subscription, event=event, attempt=1, status_code=500)

    # when
    rotated = client.post(
        reverse("admin:integrations_webhooksubscription_changelist"),
        {"action": "rotate_secret", "_selected_action": [subscription.pk]},
    )
    redelivered = client.post(
        reverse("admin:integrations_webhookdelivery_changelist"),
        {"action": "redeliver", "_selected_action": [delivery.pk]},
    )

    # then
    subscription.refresh_from_db()
    assert subscription.secret != "whsec_old"
    assert any(subscription.secret in message for message in _messages(rotated))
    assert "1 redelivery queued." in _messages(redelivered)
    job = ProcrastinateJob.objects.get(task_name="integrations.webhook_deliver")
    assert job.args == {"subscription_id": subscription.pk, "event_id": event.pk, "redelivery": True}
    assert client.get(reverse("admin:integrations_webhookdelivery_changelist")).status_code == 200
    assert client.get(reverse("admin:core_event_changelist")).status_code == 200

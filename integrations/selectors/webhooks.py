from __future__ import annotations

from django.db.models import QuerySet

from integrations.models import WebhookDelivery, WebhookSubscription


def webhook_subscription_list() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.all()


def webhook_delivery_list() -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.select_related("event")

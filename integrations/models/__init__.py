from integrations.models.webhooks import RelayPosition, WebhookDelivery, WebhookSubscription

__all__ = ["RelayPosition", "WebhookDelivery", "WebhookSubscription"]

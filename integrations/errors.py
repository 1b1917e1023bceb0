from django.db import models


class ErrorCode(models.TextChoices):
    WEBHOOK_SUBSCRIPTION_INACTIVE = "webhook-subscription-inactive"

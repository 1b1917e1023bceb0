from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel


class WebhookSubscription(AuthoredModel):
    """A receiver of business events: every event of the chosen types (all when none are chosen) is POSTed to
    ``url``, signed with ``secret`` per Standard Webhooks."""

    url = models.URLField(_("URL"), max_length=500)
    # Needed in clear to sign; shown to the integrator once, when it is made or rotated.
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    event_types = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("event types"),
        blank=True,
        default=list,
        help_text=_("Leave empty to receive every event."),
    )
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-id"]

    def __str__(self):
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one subscription, and what the receiver answered."""

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("subscription"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("core.Event", verbose_name=_("event"), on_delete=models.PROTECT, related_name="+")
    attempt = models.PositiveIntegerField(_("attempt"))
    redelivery = models.BooleanField(_("redelivery"), default=False)
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["subscription", "event"], name="webhook_delivery_event")]

    def __str__(self):
        return f"{self.event_id} → {self.subscription_id} #{self.attempt}"


class RelayPosition(models.Model):
    """The last event the relay handed to the subscriptions (one row): the relay's cursor in the event feed."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    event = models.ForeignKey("core.Event", on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("relay position")
        verbose_name_plural = _("relay positions")

    def __str__(self):
        return str(self.event_id or 0)

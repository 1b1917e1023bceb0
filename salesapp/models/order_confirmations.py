from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesapp.models.orders import SalesOrder
from salesapp.models.queued_emails import QueuedEmail


class OrderConfirmation(QueuedEmail):
    """One order confirmation emailed to the customer, with its PDF attached, and what became of it.

    ``version`` counts what the customer was told: it goes up when the order changed since the last
    confirmation (a revised confirmation), and stays when the same content is sent again. ``fingerprint`` is that
    content (salesapp.selectors.order_confirmations)."""

    order = models.ForeignKey(
        SalesOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="confirmations"
    )
    version = models.PositiveIntegerField(_("version"))
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, editable=False)

    class Meta(QueuedEmail.Meta):
        verbose_name = _("order confirmation")
        verbose_name_plural = _("order confirmations")
        permissions = [("send_orderconfirmation", "Can email order confirmations to customers")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True),
                name="order_confirmation_sent_or_failed",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="order_confirmation_version_positive"),
        ]

    def __str__(self):
        return f"{self.order.number} v{self.version} → {self.to}"

    @property
    def is_revised(self) -> bool:
        return self.version > 1

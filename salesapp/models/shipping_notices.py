from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesapp.models.packing_slips import PackingSlip
from salesapp.models.queued_emails import QueuedEmail


class ShippingNotice(QueuedEmail):
    """One shipping notice emailed to the customer for a posted packing slip, with its delivery note attached, and
    what became of it. Posting queues the first; a clerk may send it again (a new row each time)."""

    packing_slip = models.ForeignKey(
        PackingSlip, verbose_name=_("packing slip"), on_delete=models.PROTECT, related_name="shipping_notices"
    )

    class Meta(QueuedEmail.Meta):
        verbose_name = _("shipping notice")
        verbose_name_plural = _("shipping notices")
        permissions = [("send_shippingnotice", "Can email shipping notices to customers")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True),
                name="shipping_notice_sent_or_failed",
            ),
        ]

    def __str__(self):
        return f"{self.packing_slip} → {self.to}"

"""What a customer is told when the ship dates of its waiting order lines change (salesapp.services.backorders)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesapp.models.customers import Customer
from salesapp.models.queued_emails import QueuedEmail


class ShipDateNotice(QueuedEmail):
    """One email to one customer listing the lines whose confirmed ship date changed in one rescheduling, sent
    once by a job. ``changes`` keeps what the customer was told: per line the order, item, quantity still to come,
    the date before and the new one."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="ship_date_notices"
    )
    changes = models.JSONField(_("changed lines"), default=list)

    class Meta(QueuedEmail.Meta):
        verbose_name = _("ship date notice")
        verbose_name_plural = _("ship date notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True), name="ship_date_notice_sent_or_failed"
            )
        ]

    def __str__(self):
        return f"{self.customer_id} → {self.to}"

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesapp.models.queued_emails import QueuedEmail


class BackorderNotice(QueuedEmail):
    """The email telling a customer the new ship dates of their backorder lines: one per customer and
    rescheduling, listing that customer's changed lines as they were changed."""

    customer = models.ForeignKey(
        "salesapp.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="backorder_notices"
    )
    # Each changed line: order number, line no, item number, description, remainder, old and new ship date.
    changes = models.JSONField(_("changed lines"), default=list)

    class Meta(QueuedEmail.Meta):
        verbose_name = _("backorder notice")
        verbose_name_plural = _("backorder notices")

    def __str__(self):
        return f"{self.customer_id} {self.queued_at:%Y-%m-%d %H:%M}"

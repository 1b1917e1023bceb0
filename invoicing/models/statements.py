from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from salesapp.models.queued_emails import QueuedEmail


class CustomerStatement(QueuedEmail):
    """A customer statement emailed with its PDF attached: one row per request, so a retried job sends it once."""

    customer = models.ForeignKey(
        "salesapp.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="statements"
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))

    class Meta(QueuedEmail.Meta):
        verbose_name = _("customer statement")
        verbose_name_plural = _("customer statements")
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True), name="customer_statement_sent_or_failed"
            ),
            models.CheckConstraint(condition=Q(date_from__lte=F("date_to")), name="customer_statement_period"),
        ]

    def __str__(self):
        return f"{self.customer} {self.date_from}–{self.date_to} → {self.to}"

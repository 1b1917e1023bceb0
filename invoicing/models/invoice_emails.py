from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoicing.models.invoices import Invoice
from salesapp.models.queued_emails import QueuedEmail


class InvoiceEmail(QueuedEmail):
    """A posted invoice or credit note emailed to the customer with its stored PDF attached, and what became of
    it. Each send is a row of its own, which the job sends once."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="emails")

    class Meta(QueuedEmail.Meta):
        verbose_name = _("invoice email")
        verbose_name_plural = _("invoice emails")
        permissions = [("send_invoice", "Can email invoices and credit notes to customers")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True), name="invoice_email_sent_or_failed"
            ),
        ]

    def __str__(self):
        return f"{self.invoice} → {self.to}"

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionedQuerySet
from invoicing.choices import InvoiceBasis
from invoicing.models.invoices import Invoice


class FreeTextInvoiceManager(models.Manager.from_queryset(VersionedQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(basis=InvoiceBasis.FREE_TEXT)


class FreeTextInvoice(Invoice):
    """The free text invoices among the invoices, for the admin's own list and form (same table, same rows)."""

    objects = FreeTextInvoiceManager()

    class Meta:
        proxy = True
        verbose_name = _("free text invoice")
        verbose_name_plural = _("free text invoices")
        # Rights are the invoice's: the admin asks for invoicing.*_invoice.
        default_permissions = ()

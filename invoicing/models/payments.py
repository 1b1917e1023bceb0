from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from core.money import MoneyField
from core.search import trigram_index
from invoicing.choices import PaymentMethod
from salesapp.choices import Currency


class Payment(AuthoredModel):
    number = models.CharField(_("number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        "salesapp.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    payment_date = models.DateField(_("payment date"), default=timezone.localdate)
    method = models.CharField(
        _("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    amount_applied = MoneyField(_("applied"), editable=False)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-id"]
        # The list search (icontains) is index-backed through these (core.search).
        indexes = [
            trigram_index("number", name="payment_number_trgm"),
            trigram_index("reference", name="payment_reference_trgm"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_applied__gte=0) & Q(amount_applied__lte=models.F("amount")),
                name="payment_not_over_applied",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def amount_unapplied(self):
        return self.amount - self.amount_applied


class PaymentApplication(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="applications")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="payment_applications")
    amount = MoneyField(_("amount"))
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment application")
        verbose_name_plural = _("payment applications")
        ordering = ["applied_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_application_positive")]

    def __str__(self):
        return f"{self.payment} → {self.invoice}: {self.amount}"

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from core.money import MoneyField
from core.search import trigram_index
from invoicing.choices import PaymentDirection, PaymentMethod
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
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=PaymentDirection.choices,
        default=PaymentDirection.RECEIPT,
        db_default=PaymentDirection.RECEIPT,
    )
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
            # A bank line imported twice (or a retried call) is the same payment: one reference per customer, day
            # and direction (invoicing.services.payments says which payment has it).
            models.UniqueConstraint(
                fields=["customer", "payment_date", "direction", "reference"],
                condition=~Q(reference=""),
                name="payment_reference_once_per_customer_day",
            ),
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

    @property
    def is_refund(self) -> bool:
        return self.direction == PaymentDirection.REFUND


class PaymentApplication(models.Model):
    """What settles a posted document: a payment (money) or, for a set-off, a credit note (no money moves; both
    sit on the same customer's receivable). ``amount`` carries the sign of the document it settles: positive on
    an invoice, negative on a credit note (a refund, or a credit note taken into a receipt), so a document's
    settled amount is the sum of its rows whatever settled it. A set-off row settles the invoice by ``amount``
    and its credit note by ``-amount``. Un-applying keeps the row, stamped with who and when."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="applications", null=True, blank=True)
    credit_note = models.ForeignKey(
        "invoicing.Invoice",
        verbose_name=_("credit note"),
        on_delete=models.PROTECT,
        related_name="set_offs",
        null=True,
        blank=True,
    )
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.PROTECT, related_name="payment_applications")
    amount = MoneyField(_("amount"))
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unapplied_at = models.DateTimeField(_("unapplied at"), null=True, blank=True)
    unapplied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unapplied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("payment application")
        verbose_name_plural = _("payment applications")
        ordering = ["applied_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="payment_application_not_zero"),
            # Settled either by money or by a credit note, never both, never neither.
            models.CheckConstraint(
                condition=Q(payment__isnull=False, credit_note__isnull=True)
                | Q(payment__isnull=True, credit_note__isnull=False, amount__gt=0),
                name="payment_application_one_source",
            ),
            models.CheckConstraint(
                condition=Q(unapplied_at__isnull=True) | Q(unapplied_by__isnull=False),
                name="payment_application_unapplied_by_someone",
            ),
        ]

    def __str__(self):
        source = self.payment or self.credit_note
        return f"{source} → {self.invoice}: {self.amount}"

    @property
    def is_active(self) -> bool:
        return self.unapplied_at is None

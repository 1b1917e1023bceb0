from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import MoneyField
from invoicing.choices import AccountKind, AccountRole


class LedgerAccount(TimeStampedModel):
    number = models.CharField(_("number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    role = models.CharField(
        _("posting role"), max_length=30, choices=AccountRole.choices, unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"


class TaxCodeAccount(models.Model):
    """Where output tax of a tax code is posted. Kept here, not on the tax code, because sales may not
    depend on invoicing (DESIGN.md §1): the ledger side of a tax code belongs to invoicing."""

    tax_code = models.OneToOneField(
        "salesapp.TaxCode",
        verbose_name=_("tax code"),
        on_delete=models.PROTECT,
        related_name="ledger_account_link",
    )
    account = models.ForeignKey(LedgerAccount, verbose_name=_("output tax account"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("tax posting")
        verbose_name_plural = _("tax postings")

    def __str__(self):
        return f"{self.tax_code.code} → {self.account.number}"


class JournalEntry(TimeStampedModel):
    number = models.CharField(_("number"), max_length=30, unique=True)
    entry_date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # The lines are in the company currency; a document in another currency was converted at this rate.
    exchange_rate = models.DecimalField(
        _("exchange rate"),
        max_digits=18,
        decimal_places=6,
        default=1,
        help_text=_(
            "What one unit of the entry's currency was worth in the company currency; the lines are in "
            "the company currency."
        ),
    )
    invoice = models.ForeignKey(
        "invoicing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="journal_entries"
    )
    payment = models.ForeignKey(
        "invoicing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="journal_entries"
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-id"]

    def __str__(self):
        return self.number


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(LedgerAccount, verbose_name=_("account"), on_delete=models.PROTECT)
    customer = models.ForeignKey(
        "salesapp.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, null=True, blank=True
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    debit = MoneyField(_("debit"))
    credit = MoneyField(_("credit"))

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0) & Q(credit__gte=0) & (Q(debit=0) | Q(credit=0)),
                name="journal_line_one_side",
            )
        ]

    def __str__(self):
        return f"{self.account.number} D{self.debit} C{self.credit}"

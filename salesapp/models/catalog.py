from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel, TimeStampedModel
from core.money import ZERO, MoneyField, PercentField, PriceField
from salesapp.choices import Currency, ItemType


class TaxCode(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rate = PercentField(_("rate %"), validators=[MinValueValidator(ZERO)])
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tax code")
        verbose_name_plural = _("tax codes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} ({self.rate.normalize():f} %)"


class Customer(AuthoredModel):
    """A customer account on a party: the party stops being a prospect once it has one."""

    party = models.OneToOneField(
        "marketing.Party", verbose_name=_("party"), on_delete=models.PROTECT, related_name="customer"
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    credit_limit = MoneyField(_("credit limit"), validators=[MinValueValidator(ZERO)])
    blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("blocked reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.party.name}"

    @property
    def name(self) -> str:
        return self.party.name


class Item(AuthoredModel):
    number = models.CharField(_("number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("type"), max_length=20, choices=ItemType.choices, default=ItemType.STOCKED)
    unit = models.CharField(_("unit"), max_length=10, default="pcs")
    unit_price = PriceField(_("sales price"), validators=[MinValueValidator(ZERO)])
    tax_code = models.ForeignKey(TaxCode, verbose_name=_("tax code"), on_delete=models.PROTECT)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"

"""Exchange rates by date: what one unit of a foreign currency is worth in the company currency from a day on.

A document in a foreign currency posts its journal entry in the company currency at the rate of its date, and
the entry keeps the rate it used; changing a rate later changes no posted entry."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from salesapp.choices import Currency

RATE_DIGITS = 18
RATE_PLACES = 6


class ExchangeRate(AuthoredModel):
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    valid_from = models.DateField(_("valid from"))
    rate = models.DecimalField(
        _("rate"),
        max_digits=RATE_DIGITS,
        decimal_places=RATE_PLACES,
        help_text=_("What one unit of the currency is worth in the company currency."),
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="exchange_rate_one_per_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
        ]

    def __str__(self):
        return f"{self.currency} {self.valid_from}: {self.rate.normalize():f}"

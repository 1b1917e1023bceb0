"""Tax codes: a rate and, in invoicing, the ledger account its output tax is posted to."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.money import ZERO, PercentField


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

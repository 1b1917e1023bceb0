from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from marketing.choices import Language, PartyKind


class Party(AuthoredModel):
    """One record per organization or person, whatever roles it plays (prospect, customer, vendor)."""

    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices, default=PartyKind.ORGANIZATION)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NL", help_text=_("ISO 3166 code, e.g. NL"))
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.EN)
    vat_number = models.CharField(_("VAT number"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name", "id"]
        indexes = [models.Index(Lower("name"), name="party_lower_name_idx")]

    def __str__(self):
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street, f"{self.postcode} {self.city}".strip(), self.country) if line]

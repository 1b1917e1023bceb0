from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel, TimeStampedModel
from core.search import company_name_index, trigram_index
from marketing.choices import AddressPurpose, Language, PartyKind


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


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
    tags = models.ManyToManyField("marketing.Tag", verbose_name=_("tags"), blank=True, related_name="parties")

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["name", "id"]
        indexes = [
            models.Index(Lower("name"), name="party_lower_name_idx"),
            # The list search and the suggestions (icontains) are index-backed through these (core.search).
            trigram_index("name", name="party_name_trgm"),
            trigram_index("email", name="party_email_trgm"),
            trigram_index("city", name="party_city_trgm"),
            # Duplicates are names like this one (marketing.selectors.parties.party_name_similar).
            company_name_index("name", name="party_name_key_trgm"),
        ]

    def __str__(self):
        return self.name

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street, f"{self.postcode} {self.city}".strip(), self.country) if line]


class Contact(TimeStampedModel):
    """A person at an organization: who to call, mail or meet."""

    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["-is_primary", "name", "id"]
        indexes = [trigram_index("name", name="contact_name_trgm")]
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=models.Q(is_primary=True), name="contact_one_primary_per_party"
            )
        ]

    def __str__(self):
        return self.name


class Address(TimeStampedModel):
    """An address for one purpose (invoice, delivery, visit); the party's own address is its main one."""

    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.CASCADE, related_name="addresses")
    purpose = models.CharField(_("purpose"), max_length=20, choices=AddressPurpose.choices)
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("Leave empty to use the party name."))
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. NL"))
    is_default = models.BooleanField(_("default for this purpose"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["purpose", "-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "purpose"], condition=models.Q(is_default=True), name="address_one_default_per_purpose"
            )
        ]

    def __str__(self):
        return ", ".join(self.lines)

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.street, f"{self.postcode} {self.city}".strip(), self.country) if line]


class Unsubscription(TimeStampedModel):
    """An email address that asked not to receive campaign email; every later campaign skips it."""

    email = models.EmailField(_("email"), unique=True)
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        "marketing.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="unsubscriptions",
    )

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

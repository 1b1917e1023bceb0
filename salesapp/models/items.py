"""Items: the products and services that can be sold."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from core.money import ZERO, PriceField
from core.search import trigram_index
from salesapp.choices import ItemType
from salesapp.models.tax_codes import TaxCode


class Item(AuthoredModel):
    number = models.CharField(_("number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("type"), max_length=20, choices=ItemType.choices, default=ItemType.STOCKED)
    unit = models.CharField(_("unit"), max_length=10, default="pcs")
    unit_price = PriceField(_("sales price"), validators=[MinValueValidator(ZERO)])
    # What a sale below it would lose: line entry asks for confirmation of a price under it.
    unit_cost = PriceField(_("unit cost"), validators=[MinValueValidator(ZERO)])
    # The fallback tax code when no tax determination row matches the customer's and the item's tax groups.
    tax_code = models.ForeignKey(TaxCode, verbose_name=_("tax code"), on_delete=models.PROTECT)
    tax_group = models.ForeignKey(
        "salesapp.ItemTaxGroup",
        verbose_name=_("tax group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    item_group = models.ForeignKey(
        "salesapp.ItemGroup",
        verbose_name=_("item group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["number"]
        # The list search (icontains) is index-backed through these (core.search).
        indexes = [trigram_index("number", name="item_number_trgm"), trigram_index("name", name="item_name_trgm")]

    def __str__(self):
        return f"{self.number} {self.name}"

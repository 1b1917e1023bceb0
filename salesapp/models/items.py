"""Items: the products and services that can be sold."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from core.money import ZERO, PriceField, QuantityField
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
    # The sum of the item's stock moves, written with each move (salesapp.services.stock); services never
    # move stock, so theirs stays zero.
    on_hand = QuantityField(_("on hand"), editable=False)
    # The part of on-hand promised to confirmed order lines (the sum of their ``qty_reserved``).
    reserved = QuantityField(_("reserved"), editable=False)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["number"]
        # The list search (icontains) is index-backed through these (core.search).
        indexes = [trigram_index("number", name="item_number_trgm"), trigram_index("name", name="item_name_trgm")]
        constraints = [
            # No more goes out than is there, and no more is promised than is there.
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="item_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")), name="item_reserved_within_on_hand"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def free(self):
        """On hand and promised to no order line."""
        return self.on_hand - self.reserved

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.concurrency import Versioned
from core.money import HUNDRED, ZERO, MoneyField, PercentField, PriceField, QuantityField
from salesapp.choices import LineType, PriceSource


class DocumentLine(Versioned):
    """Fields every sales and invoice document line shares (DESIGN.md §4.2)."""

    line_no = models.PositiveIntegerField(_("line"))
    line_type = models.CharField(_("line type"), max_length=20, choices=LineType.choices, default=LineType.ITEM)
    item = models.ForeignKey(
        "salesapp.Item",
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = QuantityField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=10, default="pcs")
    unit_price = PriceField(_("unit price"), validators=[MinValueValidator(ZERO)])
    discount_percent = PercentField(_("discount %"), validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)])
    # Shown on the line so a clerk can tell an agreed price from a typed one (salesapp.selectors.pricing).
    price_source = models.CharField(
        _("price source"), max_length=30, choices=PriceSource.choices, default=PriceSource.ITEM_PRICE
    )
    # None only on comment lines, which carry no amount (salesapp.line_types); the constraints say so.
    tax_code = models.ForeignKey(
        "salesapp.TaxCode",
        verbose_name=_("tax code"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    net_amount = MoneyField(_("net amount"), editable=False)

    class Meta:
        abstract = True
        ordering = ["line_no"]


def line_kind_constraint(name: str) -> models.CheckConstraint:
    """A comment line is text only; every other line has an item, a positive quantity and a tax code."""
    return models.CheckConstraint(
        condition=(
            Q(line_type=LineType.COMMENT, item__isnull=True, tax_code__isnull=True, quantity=0, net_amount=0)
            | (~Q(line_type=LineType.COMMENT) & Q(item__isnull=False, tax_code__isnull=False, quantity__gt=0))
        ),
        name=name,
    )

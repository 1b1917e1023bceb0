"""Price groups, item groups, tax groups and trade agreements: what the pricing engine reads (DESIGN.md §4.1)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel, TimeStampedModel
from core.money import HUNDRED, ZERO, PercentField, PriceField, QuantityField
from salesapp.choices import AgreementAppliesTo, AgreementKind, Currency


class _CodedGroup(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class CustomerPriceGroup(_CodedGroup):
    class Meta(_CodedGroup.Meta):
        verbose_name = _("customer price group")
        verbose_name_plural = _("customer price groups")


class ItemGroup(_CodedGroup):
    class Meta(_CodedGroup.Meta):
        verbose_name = _("item group")
        verbose_name_plural = _("item groups")


class CustomerTaxGroup(_CodedGroup):
    class Meta(_CodedGroup.Meta):
        verbose_name = _("customer tax group")
        verbose_name_plural = _("customer tax groups")


class ItemTaxGroup(_CodedGroup):
    class Meta(_CodedGroup.Meta):
        verbose_name = _("item tax group")
        verbose_name_plural = _("item tax groups")


class TaxDetermination(TimeStampedModel):
    """Customer tax group × item tax group → the tax code a line gets (e.g. EU customer × goods → reverse charge)."""

    customer_tax_group = models.ForeignKey(
        CustomerTaxGroup, verbose_name=_("customer tax group"), on_delete=models.CASCADE, related_name="+"
    )
    item_tax_group = models.ForeignKey(
        ItemTaxGroup, verbose_name=_("item tax group"), on_delete=models.CASCADE, related_name="+"
    )
    tax_code = models.ForeignKey(
        "salesapp.TaxCode", verbose_name=_("tax code"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tax determination")
        verbose_name_plural = _("tax determinations")
        ordering = ["customer_tax_group__code", "item_tax_group__code"]
        constraints = [
            models.UniqueConstraint(fields=["customer_tax_group", "item_tax_group"], name="tax_determination_pair")
        ]

    def __str__(self):
        return f"{self.customer_tax_group.code} × {self.item_tax_group.code} → {self.tax_code.code}"


_FOR_CUSTOMER = Q(applies_to=AgreementAppliesTo.CUSTOMER, customer__isnull=False, price_group__isnull=True)
_FOR_PRICE_GROUP = Q(applies_to=AgreementAppliesTo.PRICE_GROUP, price_group__isnull=False, customer__isnull=True)
_FOR_ALL = Q(applies_to=AgreementAppliesTo.ALL, customer__isnull=True, price_group__isnull=True)
_PRICE_LINE = Q(
    kind=AgreementKind.PRICE,
    item__isnull=False,
    item_group__isnull=True,
    unit_price__isnull=False,
    discount_percent__isnull=True,
)
_DISCOUNT_LINE = Q(kind=AgreementKind.DISCOUNT, unit_price__isnull=True, discount_percent__isnull=False) & (
    Q(item__isnull=False, item_group__isnull=True) | Q(item__isnull=True, item_group__isnull=False)
)


class TradeAgreementLine(AuthoredModel):
    """One agreed price or discount: for a customer, a price group or everyone; per item (or item group for a
    discount), currency and unit, from a quantity on, within a validity window."""

    kind = models.CharField(_("kind"), max_length=10, choices=AgreementKind.choices)
    applies_to = models.CharField(_("applies to"), max_length=20, choices=AgreementAppliesTo.choices)
    customer = models.ForeignKey(
        "salesapp.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trade_agreement_lines",
    )
    price_group = models.ForeignKey(
        CustomerPriceGroup,
        verbose_name=_("price group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trade_agreement_lines",
    )
    item = models.ForeignKey(
        "salesapp.Item",
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trade_agreement_lines",
    )
    item_group = models.ForeignKey(
        ItemGroup,
        verbose_name=_("item group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trade_agreement_lines",
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    # Blank: the line holds whatever unit the document line is in.
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    from_quantity = QuantityField(_("from quantity"), validators=[MinValueValidator(ZERO)])
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    unit_price = PriceField(_("unit price"), null=True, blank=True, default=None, validators=[MinValueValidator(ZERO)])
    discount_percent = PercentField(
        _("discount %"),
        null=True,
        blank=True,
        default=None,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("trade agreement line")
        verbose_name_plural = _("trade agreement lines")
        ordering = ["kind", "applies_to", "item_id", "item_group_id", "currency", "from_quantity", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=_FOR_CUSTOMER | _FOR_PRICE_GROUP | _FOR_ALL, name="trade_agreement_party"),
            models.CheckConstraint(condition=_PRICE_LINE | _DISCOUNT_LINE, name="trade_agreement_kind"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="trade_agreement_validity",
            ),
            models.CheckConstraint(condition=Q(from_quantity__gte=0), name="trade_agreement_from_quantity"),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0), name="trade_agreement_unit_price"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True) | Q(discount_percent__gte=0, discount_percent__lte=100),
                name="trade_agreement_discount",
            ),
        ]
        # price_for reads the active lines of one item and of its item group in one currency: a bitmap OR of
        # these two partial indexes, whatever the number of customers and groups the table holds.
        indexes = [
            models.Index(
                fields=["item", "currency"], condition=Q(active=True, item__isnull=False), name="trade_agreement_item"
            ),
            models.Index(
                fields=["item_group", "currency"],
                condition=Q(active=True, item_group__isnull=False),
                name="trade_agreement_item_group",
            ),
            models.Index(fields=["customer"], name="trade_agreement_customer"),
            models.Index(fields=["price_group"], name="trade_agreement_price_group"),
        ]
        # A clerk typing a price or discount of their own over the engine's (the line then says "manual").
        permissions = [("override_line_price", "Can override a line's price or discount")]

    def clean(self):
        """The same rules as the CHECK constraints, each named on the field to correct."""
        errors = {}
        required = _("This field is required for this line.")
        not_here = _("Leave this field empty for this line.")
        wanted = {
            "customer": self.applies_to == AgreementAppliesTo.CUSTOMER,
            "price_group": self.applies_to == AgreementAppliesTo.PRICE_GROUP,
            "unit_price": self.kind == AgreementKind.PRICE,
            "discount_percent": self.kind == AgreementKind.DISCOUNT,
        }
        for name, needed in wanted.items():
            present = getattr(self, f"{name}_id" if name in ("customer", "price_group") else name) is not None
            if needed and not present:
                errors[name] = required
            elif present and not needed:
                errors[name] = not_here
        if self.kind == AgreementKind.PRICE:
            if self.item_id is None:
                errors["item"] = _("A price line is for one item.")
            if self.item_group_id is not None:
                errors["item_group"] = _("Prices are agreed per item; item groups take discounts only.")
        elif self.kind == AgreementKind.DISCOUNT and (self.item_id is None) == (self.item_group_id is None):
            errors["item"] = _("A discount line is for an item or for an item group: choose one.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The line cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        target = self.item or self.item_group
        return f"{self.get_kind_display()} {target} ({self.get_applies_to_display()}, {self.currency})"

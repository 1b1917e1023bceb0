"""Up-sell and cross-sell rules, what became of the suggestions they made, and standard sales lines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuthoredModel
from core.money import MoneyField, QuantityField
from salesapp.choices import RelationKind, SuggestionEventKind


class ProductRelation(AuthoredModel):
    """A rule: when ``item`` is entered on a line, suggest ``suggested_item`` instead (up-sell) or as well
    (cross-sell). The lowest priority number is offered first."""

    item = models.ForeignKey(
        "salesapp.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="relations"
    )
    suggested_item = models.ForeignKey(
        "salesapp.Item", verbose_name=_("suggested item"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RelationKind.choices)
    # Suggest only from this line quantity on (e.g. the pallet instead of 40 boxes); empty: any quantity.
    min_quantity = QuantityField(_("minimum quantity"), null=True, blank=True, default=None)
    # Suggest only to customers of this price group (and never to a prospect); empty: every customer.
    price_group = models.ForeignKey(
        "salesapp.CustomerPriceGroup",
        verbose_name=_("customer price group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every customer."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=10, help_text=_("Lowest first."))
    pitch = models.CharField(_("pitch"), max_length=300, blank=True, help_text=_("What the clerk may say."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product relation")
        verbose_name_plural = _("product relations")
        ordering = ["item__number", "priority", "id"]
        indexes = [models.Index(fields=["item", "priority"], name="productrelation_item_priority")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(item=F("suggested_item")),
                name="productrelation_not_itself",
                violation_error_message=_("An item cannot be suggested for itself."),
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__isnull=True) | Q(min_quantity__gt=0),
                name="productrelation_min_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="productrelation_validity_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.item.number} → {self.suggested_item.number} ({self.get_kind_display()})"

    @property
    def is_up_sell(self) -> bool:
        return self.kind == RelationKind.UP_SELL


class SuggestionEvent(models.Model):
    """A suggestion shown on an order or quotation line (once per rule and line), or one accepted. An accepted
    up-sell keeps the line as it was (``previous``) so undoing puts back exactly that; ``undone_at`` marks an
    undone one. An event belongs to an order or to a quotation, never both (a database check)."""

    relation = models.ForeignKey(
        ProductRelation, verbose_name=_("product relation"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SuggestionEventKind.choices)
    order = models.ForeignKey(
        "salesapp.SalesOrder",
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestion_events",
    )
    # The line the suggestion was made for; an accepted up-sell changed this line.
    order_line = models.ForeignKey(
        "salesapp.SalesOrderLine",
        verbose_name=_("order line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The line an accepted cross-sell added.
    added_line = models.ForeignKey(
        "salesapp.SalesOrderLine",
        verbose_name=_("added line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    quotation = models.ForeignKey(
        "salesapp.Quotation",
        verbose_name=_("quotation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestion_events",
    )
    quotation_line = models.ForeignKey(
        "salesapp.QuotationLine",
        verbose_name=_("quotation line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_quotation_line = models.ForeignKey(
        "salesapp.QuotationLine",
        verbose_name=_("added quotation line"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revenue = MoneyField(_("revenue"), help_text=_("Net amount of the accepted line."))
    previous = models.JSONField(_("line before"), default=dict, blank=True, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["relation", "kind"], name="suggestionevent_relation_kind"),
            models.Index(fields=["quotation", "kind"], name="suggestionevent_quotation_kind"),
        ]
        constraints = [
            # Showing the same suggestion on the same line again is not another showing.
            models.UniqueConstraint(
                fields=["relation", "order_line"],
                condition=Q(kind=SuggestionEventKind.SHOWN),
                name="suggestionevent_shown_once",
            ),
            models.UniqueConstraint(
                fields=["relation", "quotation_line"],
                condition=Q(kind=SuggestionEventKind.SHOWN),
                name="suggestionevent_shown_once_quotation",
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False, quotation__isnull=True)
                | Q(order__isnull=True, quotation__isnull=False),
                name="suggestionevent_one_document",
                violation_error_message=_("A suggestion is made on an order or on a quotation, not both."),
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(order_line__isnull=True, added_line__isnull=True),
                name="suggestionevent_order_lines_on_order",
            ),
            models.CheckConstraint(
                condition=Q(quotation__isnull=False)
                | Q(quotation_line__isnull=True, added_quotation_line__isnull=True),
                name="suggestionevent_quotation_lines_on_quotation",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(kind=SuggestionEventKind.ACCEPTED),
                name="suggestionevent_only_accepted_undone",
            ),
        ]

    def __str__(self):
        document = f"order {self.order_id}" if self.order_id else f"quotation {self.quotation_id}"
        return f"{self.get_kind_display()}: {self.relation_id} on {document}"


class StandardLineSet(AuthoredModel):
    """A named set of lines ("monthly replenishment") for one customer, or for every customer when empty."""

    name = models.CharField(_("name"), max_length=100)
    customer = models.ForeignKey(
        "salesapp.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standard_line_sets",
        help_text=_("Empty: for every customer."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("standard line set")
        verbose_name_plural = _("standard line sets")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "name"], nulls_distinct=False, name="standardlineset_name_unique"
            )
        ]

    def __str__(self):
        return self.name


class StandardLine(models.Model):
    line_set = models.ForeignKey(
        StandardLineSet, verbose_name=_("standard line set"), on_delete=models.CASCADE, related_name="lines"
    )
    line_no = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey("salesapp.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    quantity = QuantityField(_("quantity"))

    class Meta:
        verbose_name = _("standard line")
        verbose_name_plural = _("standard lines")
        ordering = ["line_no"]
        constraints = [
            models.UniqueConstraint(fields=["line_set", "line_no"], name="standardline_line_no_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="standardline_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.line_set.name}/{self.line_no}"

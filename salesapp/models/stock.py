"""Stock of the one warehouse: the moves that change on-hand, and the supply expected from vendors.

On-hand per item is the sum of its moves; ``Item.on_hand`` caches that sum and is written in the same statement
that records each move (salesapp.services.stock), guarded by constraints. ``Item.reserved`` is the part of
on-hand promised to confirmed order lines (``SalesOrderLine.qty_reserved``, salesapp.services.reservations).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.concurrency import ConcurrentStates
from core.models import AuthoredModel
from core.money import QuantityField
from core.search import trigram_index
from core.transitions import Refusal, document_transition
from salesapp.choices import StockMoveKind, SupplyState
from salesapp.errors import ErrorCode


class StockMove(models.Model):
    item = models.ForeignKey(
        "salesapp.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="stock_moves"
    )
    # Signed: positive into the warehouse, negative out of it.
    quantity = QuantityField(_("quantity"))
    kind = models.CharField(_("kind"), max_length=20, choices=StockMoveKind.choices)
    # The document line the move books, when a document moved the goods (an adjustment has none).
    packing_slip_line = models.ForeignKey(
        "salesapp.PackingSlipLine",
        verbose_name=_("packing slip line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_moves",
    )
    supply_line = models.ForeignKey(
        "salesapp.InboundSupplyLine",
        verbose_name=_("inbound supply line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_moves",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    moved_on = models.DateField(_("date"), default=timezone.localdate)
    moved_at = models.DateTimeField(_("booked at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-moved_at", "-id"]
        indexes = [models.Index(fields=["item", "-moved_at", "-id"], name="stock_move_item_latest")]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_not_zero"),
            # An adjustment is a manager's decision and says why; a document's move names its line.
            models.CheckConstraint(
                condition=~Q(kind=StockMoveKind.ADJUSTMENT) | ~Q(reason=""), name="stock_adjustment_has_reason"
            ),
        ]
        permissions = [("allocate_stock", "Can re-allocate stock between orders")]

    def __str__(self):
        return f"{self.item_id} {self.quantity:+} ({self.kind})"


class InboundSupplyLine(ConcurrentStates, AuthoredModel):
    """An open purchase line: goods a vendor is to deliver, by an expected date."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    vendor = models.ForeignKey(
        "marketing.Party", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="supply_lines"
    )
    item = models.ForeignKey(
        "salesapp.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="supply_lines"
    )
    quantity = QuantityField(_("quantity"))
    expected_date = models.DateField(_("expected date"))
    qty_received = QuantityField(_("received"), editable=False)
    # The vendor's purchase order or confirmation number.
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    state = FSMField(_("status"), max_length=20, choices=SupplyState.choices, default=SupplyState.OPEN, protected=True)
    # A drop shipment or special order is bought for one order line (salesapp.services.supply).
    order_line = models.OneToOneField(
        "salesapp.SalesOrderLine",
        verbose_name=_("for order line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supply_line",
    )

    class Meta:
        verbose_name = _("inbound supply line")
        verbose_name_plural = _("inbound supply")
        ordering = ["expected_date", "id"]
        indexes = [
            trigram_index("number", name="supply_number_trgm"),
            # What promising and the backorder views read: the open supply of an item by date.
            models.Index(
                fields=["item", "expected_date"], name="supply_open_by_item", condition=Q(state=SupplyState.OPEN)
            ),
            models.Index(
                fields=["vendor", "expected_date"], name="supply_open_by_vendor", condition=Q(state=SupplyState.OPEN)
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supply_quantity_positive"),
            models.CheckConstraint(
                condition=Q(qty_received__gte=0) & Q(qty_received__lte=F("quantity")), name="supply_not_over_received"
            ),
        ]
        permissions = [("receive_inboundsupplyline", "Can receive inbound supply")]

    def __str__(self):
        return self.number

    @property
    def remaining(self):
        return self.quantity - self.qty_received

    def refusal_context(self) -> dict:
        return {"number": self.number, "state": self.get_state_display().lower()}

    def all_received(self) -> bool:
        return self.qty_received >= self.quantity

    def nothing_received(self) -> bool:
        return not self.qty_received

    # Receiving is a service (salesapp.services.supply, .line_supply); the line follows it when all came.
    @document_transition(
        field=state,
        source=SupplyState.OPEN,
        target=SupplyState.RECEIVED,
        label=_("Received in full"),
        conditions=[Refusal(all_received, _("Part of supply line %(number)s is still to come."))],
        refused_in_state=_("Supply line %(number)s is %(state)s: nothing more can be received on it."),
        code=ErrorCode.SUPPLY_LINE_NOT_RECEIVABLE,
        automatic=True,
    )
    def mark_received(self, *, by=None):
        pass

    # A drop shipment's delivery that is canceled gives back what its receipt counted (the vendor's delivery is
    # undone with it): the line expects those goods again.
    @document_transition(
        field=state,
        source=SupplyState.RECEIVED,
        target=SupplyState.OPEN,
        label=_("Expected again"),
        conditions=[Refusal(lambda line: not line.all_received(), _("All of supply line %(number)s came in."))],
        refused_in_state=_("Supply line %(number)s is %(state)s: nothing of it is expected again."),
        code=ErrorCode.SUPPLY_LINE_NOT_RECEIVABLE,
        automatic=True,
    )
    def reopen(self, *, by=None):
        pass

    @document_transition(
        field=state,
        source=SupplyState.OPEN,
        target=SupplyState.CANCELED,
        label=_("Cancel line"),
        conditions=[Refusal(nothing_received, _("Goods of supply line %(number)s came in: short-close it instead."))],
        permission="salesapp.change_inboundsupplyline",
        refused_in_state=_("Supply line %(number)s is %(state)s already: it cannot be canceled."),
        code=ErrorCode.SUPPLY_LINE_NOT_CANCELABLE,
        automatic=True,
    )
    def cancel(self, *, by=None):
        pass

    @document_transition(
        field=state,
        source=SupplyState.OPEN,
        target=SupplyState.RECEIVED,
        label=_("Short-close"),
        conditions=[
            Refusal(
                lambda line: not line.nothing_received(),
                _("Nothing of supply line %(number)s came in: cancel it instead."),
            )
        ],
        permission="salesapp.change_inboundsupplyline",
        refused_in_state=_("Supply line %(number)s is %(state)s already: it cannot be canceled."),
        code=ErrorCode.SUPPLY_LINE_NOT_CANCELABLE,
        automatic=True,
    )
    def short_close(self, *, by=None):
        """The rest will not come: the line closes as received with what came in."""
        self.quantity = self.qty_received

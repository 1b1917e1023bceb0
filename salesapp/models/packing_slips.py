from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.concurrency import ConcurrentStates
from core.loaded import loaded
from core.models import AuthoredModel
from core.money import QuantityField
from core.search import trigram_index
from core.transitions import Refusal, document_transition
from salesapp.choices import OrderState, PackingSlipState, ReturnDisposition
from salesapp.errors import ErrorCode
from salesapp.order_types import policy_for


class PackingSlip(ConcurrentStates, AuthoredModel):
    order = models.ForeignKey(
        "salesapp.SalesOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="packing_slips"
    )
    # Numbered when posted: a draft slip that is thrown away leaves no gap.
    number = models.CharField(_("number"), max_length=30, unique=True, null=True, blank=True)
    ship_date = models.DateField(_("ship date"), default=timezone.localdate)
    state = FSMField(
        _("status"),
        max_length=20,
        choices=PackingSlipState.choices,
        default=PackingSlipState.DRAFT,
        protected=True,
        db_index=True,
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    canceled_at = models.DateTimeField(_("canceled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("packing slip")
        verbose_name_plural = _("packing slips")
        ordering = ["-id"]
        # The list search (icontains) is index-backed through these (core.search).
        indexes = [trigram_index("number", name="packingslip_number_trgm")]
        permissions = [
            ("post_packingslip", "Can post packing slip"),
            ("cancel_packingslip", "Can cancel a posted packing slip"),
        ]

    def __str__(self):
        return self.number or f"{_('Draft packing slip')} #{self.pk}"

    @property
    def is_return_receipt(self) -> bool:
        """A returned order's slip takes goods back: the same document, called a return receipt."""
        return policy_for(self.order.order_type).receives

    def has_lines(self) -> bool:
        lines = loaded(self, "lines")
        if lines is not None:
            return any(line.quantity > 0 for line in lines)
        return self.lines.filter(quantity__gt=0).exists()

    def order_takes_deliveries(self) -> bool:
        return self.order.state == OrderState.CONFIRMED

    def nothing_invoiced(self) -> bool:
        lines = loaded(self, "lines")
        if lines is not None:
            return all(line.qty_invoiced == 0 for line in lines)
        return not self.lines.filter(qty_invoiced__gt=0).exists()

    def invoiced_refusal(self) -> str:
        lines = loaded(self, "lines")
        if lines is None:
            lines = list(self.lines.all())
        invoiced = sum(line.qty_invoiced for line in lines)
        shipped = sum(line.quantity for line in lines)
        return _(
            "%(invoiced)s of the %(shipped)s units on packing slip %(number)s are invoiced: the slip can no longer "
            "be canceled. Credit the invoice with a returned order instead."
        ) % {"invoiced": f"{invoiced.normalize():f}", "shipped": f"{shipped.normalize():f}", "number": self.number}

    def order_open_for_changes(self) -> bool:
        # A delivered order reopens when a delivery is undone; an invoiced (or canceled) one is closed.
        return self.order.state in (OrderState.CONFIRMED, OrderState.DELIVERED)

    def refusal_context(self) -> dict:
        return {
            "number": self.number or _("draft"),
            "order": self.order.number,
            "order_state": self.order.get_state_display(),
        }

    @document_transition(
        field=state,
        source=PackingSlipState.DRAFT,
        target=PackingSlipState.POSTED,
        label=_("Post"),
        conditions=[
            # The order's own delivery rules say why (fully delivered, canceled …).
            Refusal(order_takes_deliveries, lambda slip: slip.order.refusal_reason("deliver")),
            Refusal(has_lines, _("The packing slip has no quantity to deliver.")),
        ],
        permission="salesapp.post_packingslip",
        refused_in_state=_("Packing slip %(number)s is already posted."),
        code=ErrorCode.PACKING_SLIP_NOT_POSTABLE,
        confirm=_("Post this packing slip? The quantities are delivered and the slip can no longer change."),
    )
    def post(self, *, number: str, by=None):
        self.number = number
        self.posted_at = timezone.now()

    @document_transition(
        field=state,
        source=PackingSlipState.POSTED,
        target=PackingSlipState.CANCELED,
        label=_("Cancel packing slip"),
        conditions=[
            Refusal(nothing_invoiced, invoiced_refusal),
            Refusal(
                order_open_for_changes,
                _("Order %(order)s is %(order_state)s: its packing slips can no longer be canceled."),
            ),
        ],
        permission="salesapp.cancel_packingslip",
        refused_in_state=_("Only a posted packing slip can be canceled; this one is %(state)s."),
        code=ErrorCode.PACKING_SLIP_NOT_CANCELABLE,
        confirm=_("Cancel this packing slip? Its quantities go back to the order and its stock moves are reversed."),
        reason_label=_("Cancel reason"),
        reason_required=True,
        order=90,
    )
    def cancel(self, *, by=None, description=None):
        self.cancel_reason = str(description or "")
        self.canceled_at = timezone.now()


class PackingSlipLine(models.Model):
    packing_slip = models.ForeignKey(
        PackingSlip, verbose_name=_("packing slip"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        "salesapp.SalesOrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="packing_slip_lines",
    )
    quantity = QuantityField(_("quantity"))
    # On a return receipt (a returned order's slip): what happens to the goods; empty on a delivery.
    disposition = models.CharField(
        _("disposition"), max_length=20, choices=ReturnDisposition.choices, blank=True, default=""
    )
    # How much of this delivery has been invoiced; written by invoice posting through sales services.
    qty_invoiced = QuantityField(_("invoiced"), editable=False)

    class Meta:
        verbose_name = _("packing slip line")
        verbose_name_plural = _("packing slip lines")
        ordering = ["order_line__line_no", "id"]
        constraints = [
            models.UniqueConstraint(fields=["packing_slip", "order_line"], name="packing_slip_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="packing_slip_line_quantity_not_negative"),
            models.CheckConstraint(
                condition=Q(qty_invoiced__gte=0) & Q(qty_invoiced__lte=F("quantity")),
                name="packing_slip_line_not_over_invoiced",
            ),
        ]

    def __str__(self):
        return f"{self.packing_slip}: {self.order_line}"

    @property
    def invoice_remainder(self):
        return self.quantity - self.qty_invoiced

"""The history of a subscription order: one row per billed period, with the quantities of that period kept
when the order's ledger is reset for the next one (salesapp.services.subscriptions)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.money import QuantityField


class SubscriptionPeriod(models.Model):
    order = models.ForeignKey(
        "salesapp.SalesOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="subscription_periods"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    billed_at = models.DateTimeField(_("billed at"), auto_now_add=True)
    billed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("billed by"), on_delete=models.PROTECT, related_name="+"
    )
    # The number of the posted invoice that billed the period, as invoicing reported it when closing the
    # period: sales shows it without reaching into invoicing (DESIGN.md §1).
    invoice_number = models.CharField(_("invoice number"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("subscription period")
        verbose_name_plural = _("subscription periods")
        ordering = ["order", "period_start"]
        constraints = [
            # A period is billed once, whatever the number of runs started at the same moment: the second
            # insert waits for the first transaction and then fails on this constraint.
            models.UniqueConstraint(fields=["order", "period_start"], name="subscription_period_once"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="subscription_period_dates"),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class SubscriptionPeriodLine(models.Model):
    """What one order line delivered and invoiced in the period (its ledger before the reset)."""

    period = models.ForeignKey(
        SubscriptionPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        "salesapp.SalesOrderLine", verbose_name=_("order line"), on_delete=models.PROTECT, related_name="+"
    )
    qty_delivered = QuantityField(_("delivered"))
    qty_invoiced = QuantityField(_("invoiced"))

    class Meta:
        verbose_name = _("subscription period line")
        verbose_name_plural = _("subscription period lines")
        ordering = ["period", "order_line__line_no"]
        constraints = [
            models.UniqueConstraint(fields=["period", "order_line"], name="subscription_period_line_once"),
        ]

    def __str__(self):
        return f"{self.period}/{self.order_line_id}"

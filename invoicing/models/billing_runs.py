"""Billing runs: one job invoices everything of a kind that is due up to a date (DESIGN.md §5), and keeps, per
unit of work, what it made or why it could not (invoicing.services.billing_runs)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoicing.choices import BillingRunKind, BillingRunState


class BillingRun(models.Model):
    # The state is the job's progress, written by the job alone: no transitions a person could fire.
    kind = models.CharField(
        _("kind"), max_length=20, choices=BillingRunKind.choices, default=BillingRunKind.SUBSCRIPTIONS
    )
    bill_until = models.DateField(_("bill until"))
    state = models.CharField(
        _("status"), max_length=10, choices=BillingRunState.choices, default=BillingRunState.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField(_("to process"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processed__lte=models.F("total")) | Q(total=0), name="billingrun_processed_within_total"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.bill_until:%Y-%m-%d} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (BillingRunState.DONE, BillingRunState.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0


class BillingRunResult(models.Model):
    """One period of one order the run tried to bill: the invoice it made, or the reason it could not."""

    run = models.ForeignKey(BillingRun, verbose_name=_("billing run"), on_delete=models.CASCADE, related_name="results")
    order = models.ForeignKey(
        "salesapp.SalesOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refusal = models.TextField(_("refusal"), blank=True)

    class Meta:
        verbose_name = _("billing run result")
        verbose_name_plural = _("billing run results")
        ordering = ["run", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(invoice__isnull=False) & Q(refusal="")) | (Q(invoice__isnull=True) & ~Q(refusal="")),
                name="billingrunresult_invoice_or_refusal",
            ),
        ]

    def __str__(self):
        return f"{self.run_id}: {self.order_id}"

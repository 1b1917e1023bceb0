"""Billing runs: one job invoices everything of a kind that is due up to a date (DESIGN.md §5), and keeps, per
unit of work, what it made or why it could not (invoicing.services.billing_runs)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core.transitions import document_transition
from invoicing.choices import BillingRunKind, BillingRunState, SummaryGrouping
from invoicing.errors import ErrorCode

# The job's steps: fired by the run's own jobs (invoicing.services.billing_runs, .summary_runs), never buttons.
# A retried job starts again from where the failed or interrupted one was.
RESTARTABLE = [BillingRunState.QUEUED, BillingRunState.RUNNING, BillingRunState.FAILED]
UNFINISHED = [BillingRunState.QUEUED, BillingRunState.RUNNING]
REFUSED = _("Billing run #%(pk)s is %(state)s: this step does not follow.")


def _step(field, source, target, label):
    return document_transition(
        field=field,
        source=source,
        target=target,
        label=label,
        refused_in_state=REFUSED,
        code=ErrorCode.BILLING_RUN_INVALID,
        automatic=True,
    )


class BillingRun(models.Model):
    # The state is the job's progress: moved by the job alone, through the automatic transitions below.
    kind = models.CharField(
        _("kind"), max_length=20, choices=BillingRunKind.choices, default=BillingRunKind.SUBSCRIPTIONS
    )
    bill_until = models.DateField(_("bill until"))
    state = FSMField(
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
    # A packing-slip run (invoicing.services.summary_runs): the slips posted from ``slips_from`` to
    # ``bill_until`` of ``customers`` (none chosen: all customers), grouped into invoices by ``grouping``.
    slips_from = models.DateField(_("slips from"), null=True, blank=True)
    grouping = models.CharField(_("grouping"), max_length=20, choices=SummaryGrouping.choices, blank=True)
    customers = models.ManyToManyField("salesapp.Customer", verbose_name=_("customers"), blank=True, related_name="+")
    # "Post all": a second job posts the run's drafts in result order; its progress, apart from the run's.
    posting_state = FSMField(
        _("posting status"), max_length=10, choices=BillingRunState.choices, blank=True, default=""
    )
    posting_total = models.PositiveIntegerField(_("to post"), default=0)
    posting_processed = models.PositiveIntegerField(_("posted or refused"), default=0)
    posting_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posting started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

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

    def refusal_context(self) -> dict:
        return {"pk": self.pk, "state": self.get_state_display().lower()}

    @_step(state, RESTARTABLE, BillingRunState.RUNNING, _("Started"))
    def start(self, *, by=None):
        pass

    @_step(state, BillingRunState.RUNNING, BillingRunState.DONE, _("Done"))
    def finish(self, *, by=None):
        pass

    @_step(state, UNFINISHED, BillingRunState.FAILED, _("Failed"))
    def fail(self, *, by=None):
        pass

    @_step(
        posting_state, ["", BillingRunState.DONE, BillingRunState.FAILED], BillingRunState.QUEUED, _("Posting queued")
    )
    def posting_queue(self, *, by=None):
        pass

    @_step(posting_state, RESTARTABLE, BillingRunState.RUNNING, _("Posting started"))
    def posting_start(self, *, by=None):
        pass

    @_step(posting_state, BillingRunState.RUNNING, BillingRunState.DONE, _("Posting done"))
    def posting_finish(self, *, by=None):
        pass

    @_step(posting_state, UNFINISHED, BillingRunState.FAILED, _("Posting failed"))
    def posting_fail(self, *, by=None):
        pass

    @property
    def finished(self) -> bool:
        return self.state in (BillingRunState.DONE, BillingRunState.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0

    @property
    def is_summary(self) -> bool:
        return self.kind == BillingRunKind.PACKING_SLIPS

    @property
    def posting_finished(self) -> bool:
        return self.posting_state in (BillingRunState.DONE, BillingRunState.FAILED)

    @property
    def posting_percent(self) -> int:
        if self.posting_finished:
            return 100
        return int(self.posting_processed * 100 / self.posting_total) if self.posting_total else 0


class BillingRunResult(models.Model):
    """One period of one order the run tried to bill (a subscription run), or one group of packing slips (a
    packing-slip run, keyed by ``group_key``): the invoice it made, or the reason it could not."""

    run = models.ForeignKey(BillingRun, verbose_name=_("billing run"), on_delete=models.CASCADE, related_name="results")
    order = models.ForeignKey(
        "salesapp.SalesOrder",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    customer = models.ForeignKey(
        "salesapp.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # The group of a packing-slip run ("customer", "customer:currency", "customer:order"): a retried job makes
    # no second invoice for a group it has a result for.
    group_key = models.CharField(_("group"), max_length=60, blank=True)
    # Why "Post all" could not post the invoice (it stays a draft); the others were posted.
    posting_refusal = models.TextField(_("posting refusal"), blank=True)
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
            models.UniqueConstraint(
                fields=["run", "group_key"], condition=~Q(group_key=""), name="billingrunresult_one_per_group"
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(customer__isnull=False), name="billingrunresult_names_whom"
            ),
        ]

    def __str__(self):
        return f"{self.run_id}: {self.group_key or self.order_id}"

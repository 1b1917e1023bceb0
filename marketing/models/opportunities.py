from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from core import extensions
from core.concurrency import ConcurrentStates
from core.models import AuthoredModel
from core.money import MoneyField, PercentField, round_money
from core.transitions import Refusal, document_transition, first_refusal
from marketing.choices import OpportunityState
from marketing.errors import ErrorCode


class OpportunityStage(models.Model):
    """A step of the sales pipeline; the list and its default probabilities are set up by the business."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=10)
    probability = PercentField(_("default probability"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("opportunity stage")
        verbose_name_plural = _("opportunity stages")
        ordering = ["sequence", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100), name="stage_probability_0_100"
            )
        ]

    def __str__(self):
        return self.name


class Opportunity(ConcurrentStates, AuthoredModel):
    number = models.CharField(_("number"), max_length=30, unique=True)
    name = models.CharField(_("subject"), max_length=200)
    party = models.ForeignKey(
        "marketing.Party", verbose_name=_("party"), on_delete=models.PROTECT, related_name="opportunities"
    )
    contact = models.ForeignKey(
        "marketing.Contact",
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_opportunities",
    )
    stage = models.ForeignKey(
        OpportunityStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities"
    )
    expected_revenue = MoneyField(_("expected revenue"))
    probability = PercentField(_("probability"))
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    campaign = models.ForeignKey(
        "marketing.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    lead = models.ForeignKey(
        "marketing.Lead",
        verbose_name=_("lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    description = models.TextField(_("description"), blank=True)
    state = FSMField(
        _("status"),
        max_length=20,
        choices=OpportunityState.choices,
        default=OpportunityState.OPEN,
        protected=True,
        db_index=True,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0, probability__lte=100), name="opportunity_probability_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(expected_revenue__gte=0), name="opportunity_revenue_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def weighted_revenue(self):
        return round_money(self.expected_revenue * self.probability / 100)

    # DESIGN.md §3: an opportunity is won by a quotation or order made for it. Those live in apps that
    # come later in the dependency order, so they answer through the extension registry.
    def has_sales_document(self) -> bool:
        return extensions.opportunity_has_sales_document(self)

    EDIT_RULES = (
        Refusal(
            lambda opportunity: opportunity.state == OpportunityState.OPEN,
            _("Opportunity %(number)s is %(state)s: only open opportunities can change."),
            shown=False,
        ),
    )

    def refusal_reason(self, action: str) -> str | None:
        """Why ``action`` ("edit"), which is not a transition of the opportunity, cannot run now."""
        return first_refusal({"edit": self.EDIT_RULES}[action], self)

    @document_transition(
        field=state,
        source=OpportunityState.OPEN,
        target=OpportunityState.WON,
        label=_("Mark won"),
        conditions=[Refusal(has_sales_document, lambda opportunity: extensions.opportunity_win_refusal(opportunity))],
        permission="marketing.change_opportunity",
        refused_in_state=_("Opportunity %(number)s is %(state)s: only open opportunities can change."),
        code=ErrorCode.OPPORTUNITY_NOT_WINNABLE,
        order=10,
    )
    def win(self, *, by=None):
        self.closed_at = timezone.now()
        self.probability = 100

    @document_transition(
        field=state,
        source=OpportunityState.OPEN,
        target=OpportunityState.LOST,
        label=_("Mark lost"),
        permission="marketing.change_opportunity",
        refused_in_state=_("Opportunity %(number)s is %(state)s: only open opportunities can change."),
        code=ErrorCode.OPPORTUNITY_NOT_LOSABLE,
        confirm=_("Mark this opportunity lost? It can no longer change."),
        reason_label=_("Lost because"),
        reason_required=True,
        order=90,
    )
    def lose(self, *, by=None, description=None):
        self.closed_at = timezone.now()
        self.probability = 0
        self.lost_reason = str(description or "")

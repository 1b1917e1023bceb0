"""Reads of opportunities: the filtered list, one opportunity, the stages, and the pipeline (kanban) with its
totals per stage."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, Round, RowNumber

from core.listing import day_after, day_start, order_by_sort
from core.money import ZERO
from marketing.choices import OpportunityState
from marketing.models import Opportunity, OpportunityStage

# A kanban column shows this many cards; the list, filtered on the stage, shows the rest.
PIPELINE_CARDS_PER_STAGE = 50


# The opportunity list's sortable columns and what each orders by.
OPPORTUNITY_SORTS = {
    "number": ("number",),
    "name": ("name",),
    "party": ("party__name",),
    "stage": ("stage__sequence",),
    "expected_revenue": ("expected_revenue",),
    "probability": ("probability",),
    "expected_close": ("expected_close_date",),
    "owner": ("owner__username",),
    "campaign": ("campaign__number",),
    "state": ("state",),
}


def opportunity_list(
    *,
    search: str = "",
    state: str = "",
    stage_id: int | None = None,
    owner_id: int | None = None,
    campaign_id: int | None = None,
    party_id: int | None = None,
    close_from: datetime.date | None = None,
    close_to: datetime.date | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    ordering: str = "",
) -> QuerySet[Opportunity]:
    """Opportunities, newest first, with what a list row shows; ``search`` looks in number, subject and party.
    ``date_from``/``date_to`` are on the day it was created (whole local days)."""
    opportunities = Opportunity.objects.select_related("party", "stage", "owner", "campaign")
    if search:
        opportunities = opportunities.filter(
            Q(number__icontains=search) | Q(name__icontains=search) | Q(party__name__icontains=search)
        )
    if state:
        opportunities = opportunities.filter(state=state)
    if stage_id:
        opportunities = opportunities.filter(stage_id=stage_id)
    if owner_id:
        opportunities = opportunities.filter(owner_id=owner_id)
    if campaign_id:
        opportunities = opportunities.filter(campaign_id=campaign_id)
    if party_id:
        opportunities = opportunities.filter(party_id=party_id)
    if close_from:
        opportunities = opportunities.filter(expected_close_date__gte=close_from)
    if close_to:
        opportunities = opportunities.filter(expected_close_date__lte=close_to)
    if date_from:
        opportunities = opportunities.filter(created_at__gte=day_start(date_from))
    if date_to:
        opportunities = opportunities.filter(created_at__lt=day_after(date_to))
    return order_by_sort(opportunities, ordering, sorts=OPPORTUNITY_SORTS, default=["-id"])


def opportunity_get(*, pk: int) -> Opportunity:
    return Opportunity.objects.select_related(
        "party", "stage", "owner", "campaign", "lead", "contact", "created_by"
    ).get(pk=pk)


def stage_list(*, active: bool | None = None) -> QuerySet[OpportunityStage]:
    stages = OpportunityStage.objects.all()
    if active is not None:
        stages = stages.filter(active=active)
    return stages.order_by("sequence", "id")


@dataclass
class PipelineColumn:
    stage: OpportunityStage
    count: int = 0
    revenue: Decimal = ZERO
    weighted_revenue: Decimal = ZERO
    cards: list[Opportunity] = field(default_factory=list)
    previous_stage: OpportunityStage | None = None
    next_stage: OpportunityStage | None = None

    @property
    def hidden_count(self) -> int:
        return self.count - len(self.cards)


@dataclass
class Pipeline:
    columns: list[PipelineColumn]

    @property
    def count(self) -> int:
        return sum(column.count for column in self.columns)

    @property
    def revenue(self) -> Decimal:
        return sum((column.revenue for column in self.columns), ZERO)

    @property
    def weighted_revenue(self) -> Decimal:
        return sum((column.weighted_revenue for column in self.columns), ZERO)


def _weighted():
    # Each opportunity's weighted revenue is rounded as Opportunity.weighted_revenue rounds it (half up, cents),
    # so a column's total is the sum of what its cards show.
    return Round(F("expected_revenue") * F("probability") / Value(Decimal("100")), 2)


def pipeline_get(
    *,
    owner_id: int | None = None,
    campaign_id: int | None = None,
    search: str = "",
    cards_per_stage: int = 0,
    with_cards: bool = True,
) -> Pipeline:
    """The open opportunities by active stage: per stage the count, the expected revenue and the weighted revenue
    (Σ revenue × probability), and the cards of the first ``cards_per_stage`` opportunities by expected close
    date. Three queries, however many stages and opportunities; two ``with_cards=False`` (the columns' cards
    are then empty: for figures only)."""
    cards_per_stage = cards_per_stage or PIPELINE_CARDS_PER_STAGE
    stages = list(stage_list(active=True))
    open_ones = Opportunity.objects.filter(state=OpportunityState.OPEN, stage__in=[stage.pk for stage in stages])
    if owner_id:
        open_ones = open_ones.filter(owner_id=owner_id)
    if campaign_id:
        open_ones = open_ones.filter(campaign_id=campaign_id)
    if search:
        open_ones = open_ones.filter(Q(name__icontains=search) | Q(party__name__icontains=search))
    money = DecimalField(max_digits=18, decimal_places=2)
    totals = {
        row["stage_id"]: row
        for row in open_ones.values("stage_id")
        .annotate(
            count=Count("id"),
            revenue=Coalesce(Sum("expected_revenue"), Value(ZERO), output_field=money),
            weighted=Coalesce(Sum(_weighted()), Value(ZERO), output_field=money),
        )
        .order_by()
    }
    ranked = open_ones.select_related("party", "owner").annotate(
        position=Window(
            RowNumber(),
            partition_by=[F("stage_id")],
            order_by=[F("expected_close_date").asc(nulls_last=True), F("id").asc()],
        )
    )
    cards: dict[int, list[Opportunity]] = {stage.pk: [] for stage in stages}
    if with_cards:
        for opportunity in ranked.filter(position__lte=cards_per_stage).order_by("stage_id", "position"):
            cards[opportunity.stage_id].append(opportunity)
    columns = []
    for index, stage in enumerate(stages):
        row = totals.get(stage.pk, {})
        columns.append(
            PipelineColumn(
                stage=stage,
                count=row.get("count", 0),
                revenue=row.get("revenue", ZERO),
                weighted_revenue=row.get("weighted", ZERO),
                cards=cards[stage.pk],
                previous_stage=stages[index - 1] if index > 0 else None,
                next_stage=stages[index + 1] if index + 1 < len(stages) else None,
            )
        )
    return Pipeline(columns=columns)

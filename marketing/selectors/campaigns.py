"""Reads about campaigns: the list with its figures, a campaign's statistics, its targets and call lists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from core import extensions
from core.listing import order_by_sort
from core.money import ZERO, round_money
from marketing.choices import Response, TargetStatus
from marketing.models import Activity, Campaign, CampaignTarget, Lead, Opportunity

PERCENT_QUANTUM = Decimal("0.1")
# Links shown on the campaign page; the counts beside them cover all.
RELATED_SHOWN = 10


def _count_of(model, **conditions) -> Coalesce:
    """How many ``model`` rows point at the campaign, as a subquery (joins would multiply the target counts)."""
    rows = (
        model.objects.filter(campaign=OuterRef("pk"), **conditions)
        .order_by()
        .values("campaign")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


# The campaign list's sortable columns and what each orders by (the figures are the list's own annotations).
CAMPAIGN_SORTS = {
    "number": ("number",),
    "name": ("name",),
    "campaign_type": ("campaign_type",),
    "state": ("state",),
    "owner": ("owner__username",),
    "runs": ("start_date", "end_date"),
    "targets": ("targets_count",),
    "contacted": ("contacted_count",),
    "responded": ("responded_count",),
    "positive": ("positive_count",),
    "leads": ("leads_count",),
    "opportunities": ("opportunities_count",),
    "budget": ("budget",),
}


def campaign_list(
    *,
    search: str = "",
    state: str = "",
    campaign_type: str = "",
    owner_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    ordering: str = "",
) -> QuerySet[Campaign]:
    """Campaigns with their figures; ``date_from``/``date_to`` keep those that run in (overlap) that period."""
    campaigns = Campaign.objects.select_related("owner").annotate(
        targets_count=Count("targets"),
        contacted_count=Count(
            "targets", filter=Q(targets__status__in=[TargetStatus.CONTACTED, TargetStatus.RESPONDED])
        ),
        responded_count=Count("targets", filter=Q(targets__status=TargetStatus.RESPONDED)),
        positive_count=Count("targets", filter=Q(targets__response=Response.POSITIVE)),
        leads_count=_count_of(Lead),
        opportunities_count=_count_of(Opportunity),
    )
    if search:
        campaigns = campaigns.filter(
            Q(number__icontains=search) | Q(name__icontains=search) | Q(description__icontains=search)
        )
    if state:
        campaigns = campaigns.filter(state=state)
    if campaign_type:
        campaigns = campaigns.filter(campaign_type=campaign_type)
    if owner_id:
        campaigns = campaigns.filter(owner_id=owner_id)
    if date_from:
        campaigns = campaigns.filter(Q(end_date__isnull=True) | Q(end_date__gte=date_from))
    if date_to:
        campaigns = campaigns.filter(Q(start_date__isnull=True) | Q(start_date__lte=date_to))
    return order_by_sort(campaigns, ordering, sorts=CAMPAIGN_SORTS, default=["-id"])


def campaign_get(*, pk: int) -> Campaign:
    return Campaign.objects.select_related("owner", "created_by").get(pk=pk)


def percentage(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal, half up; None when there is no whole to speak of."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class StatsFigure:
    """A figure as shown: ``amount`` is an int when ``is_count``, else money."""

    key: str
    label: str
    amount: int | Decimal
    is_count: bool


def _figure_shown(figure: extensions.CampaignFigure) -> StatsFigure:
    if figure.kind == "count":
        return StatsFigure(key=figure.key, label=figure.label, amount=int(figure.amount), is_count=True)
    return StatsFigure(key=figure.key, label=figure.label, amount=figure.amount, is_count=False)


@dataclass(frozen=True)
class EmailProgress:
    """Where the campaign email stands: sent, failed (the mail server refused it), remaining (queued)."""

    sent: int
    failed: int
    remaining: int

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.remaining

    @property
    def sending(self) -> bool:
        return self.remaining > 0

    def _percent(self, part: int) -> int:
        return round(100 * part / self.total) if self.total else 0

    @property
    def sent_percent(self) -> int:
        return self._percent(self.sent)

    @property
    def failed_percent(self) -> int:
        return self._percent(self.failed)


# Counted per target row; summed by campaign_email_progress and campaign_stats.
EMAIL_PROGRESS_COUNTS = {
    "email_sent": Count("pk", filter=Q(email_sent_at__isnull=False)),
    "email_failed": Count("pk", filter=Q(email_failed_at__isnull=False)),
    "email_remaining": Count(
        "pk", filter=Q(email_queued_at__isnull=False, email_sent_at__isnull=True, email_failed_at__isnull=True)
    ),
}


def campaign_email_progress(*, campaign: Campaign) -> EmailProgress:
    """One query: what the progress bar on the campaign page shows while the email goes out."""
    counts = CampaignTarget.objects.filter(campaign=campaign).aggregate(**EMAIL_PROGRESS_COUNTS)
    return EmailProgress(sent=counts["email_sent"], failed=counts["email_failed"], remaining=counts["email_remaining"])


@dataclass
class CampaignStats:
    total: int
    by_status: list[tuple[str, str, int]]
    by_response: list[tuple[str, str, int]]
    contacted: int
    responded: int
    positive: int
    response_rate: Decimal | None
    positive_rate: Decimal | None
    leads_count: int
    leads: list[Lead]
    opportunities_count: int
    opportunities: list[Opportunity]
    opportunities_revenue: Decimal
    revenue: list[StatsFigure]
    budget: Decimal
    cost_per_positive: Decimal | None
    email: EmailProgress = EmailProgress(sent=0, failed=0, remaining=0)
    counts: dict[str, int] = field(default_factory=dict)


def campaign_stats(*, campaign: Campaign) -> CampaignStats:
    """Everything the campaign page reports, in a fixed number of queries (two per registered revenue source
    at most, plus five)."""
    rows = (
        CampaignTarget.objects.filter(campaign=campaign)
        .order_by()
        .values("status", "response")
        .annotate(count=Count("pk"), **EMAIL_PROGRESS_COUNTS)
    )
    by_status = dict.fromkeys(TargetStatus.values, 0)
    by_response = dict.fromkeys(Response.values, 0)
    email = dict.fromkeys(EMAIL_PROGRESS_COUNTS, 0)
    for row in rows:
        for key in email:
            email[key] += row[key]
        by_status[row["status"]] += row["count"]
        if row["response"]:
            by_response[row["response"]] += row["count"]
    total = sum(by_status.values())
    responded = by_status[TargetStatus.RESPONDED]
    contacted = by_status[TargetStatus.CONTACTED] + responded
    positive = by_response[Response.POSITIVE]

    leads = Lead.objects.filter(campaign=campaign)
    opportunities = Opportunity.objects.filter(campaign=campaign)
    opportunity_totals = opportunities.aggregate(count=Count("pk"), revenue=Sum("expected_revenue"))
    budget = campaign.budget or ZERO
    return CampaignStats(
        total=total,
        by_status=[(value, str(TargetStatus(value).label), count) for value, count in by_status.items()],
        by_response=[(value, str(Response(value).label), count) for value, count in by_response.items()],
        contacted=contacted,
        responded=responded,
        positive=positive,
        response_rate=percentage(responded, contacted),
        positive_rate=percentage(positive, responded),
        leads_count=leads.count(),
        leads=list(leads.order_by("-id")[:RELATED_SHOWN]),
        opportunities_count=opportunity_totals["count"],
        opportunities=list(opportunities.select_related("party", "stage").order_by("-id")[:RELATED_SHOWN]),
        opportunities_revenue=opportunity_totals["revenue"] or ZERO,
        revenue=[_figure_shown(figure) for figure in extensions.campaign_revenue([campaign.pk]).get(campaign.pk, [])],
        budget=budget,
        cost_per_positive=round_money(budget / positive) if positive else None,
        email=EmailProgress(sent=email["email_sent"], failed=email["email_failed"], remaining=email["email_remaining"]),
        counts=by_status,
    )


def target_list(
    *,
    campaign: Campaign | int | None = None,
    status: str = "",
    response: str = "",
    assigned_to_id: int | None = None,
    source: str = "",
    search: str = "",
) -> QuerySet[CampaignTarget]:
    targets = CampaignTarget.objects.select_related(
        "campaign", "party", "lead", "opportunity", "assigned_to", "created_lead", "created_opportunity"
    )
    if campaign is not None:
        targets = targets.filter(campaign_id=getattr(campaign, "pk", campaign))
    if status:
        targets = targets.filter(status=status)
    if response:
        targets = targets.filter(response=response)
    if assigned_to_id:
        targets = targets.filter(assigned_to_id=assigned_to_id)
    if source:
        targets = targets.filter(source=source)
    if search:
        targets = targets.filter(
            Q(name__icontains=search) | Q(contact_name__icontains=search) | Q(email__icontains=search)
        )
    return targets.order_by("name", "id")


def target_get(*, pk: int) -> CampaignTarget:
    return CampaignTarget.objects.select_related(
        "campaign__owner",
        "party",
        "lead",
        "opportunity",
        "assigned_to",
        "responded_by",
        "created_lead",
        "created_opportunity",
    ).get(pk=pk)


def call_list(*, campaign: Campaign, assigned_to_id: int | None) -> QuerySet[CampaignTarget]:
    """A caller's list: who is still to call first, then those called; excluded targets are not called."""
    targets = target_list(campaign=campaign, assigned_to_id=assigned_to_id).exclude(status=TargetStatus.EXCLUDED)
    if assigned_to_id is None:
        targets = targets.filter(assigned_to__isnull=True)
    still_to_call = Case(When(status=TargetStatus.PENDING, then=Value(0)), default=Value(1))
    return targets.annotate(calls_count=Count("activities")).order_by(still_to_call, "name", "id")


def call_list_callers(*, campaign: Campaign) -> list[tuple[int, str]]:
    """Who has targets of the campaign to call (user id, name), to switch between their call lists."""
    rows = (
        campaign.targets.filter(assigned_to__isnull=False)
        .values_list("assigned_to_id", "assigned_to__username", "assigned_to__first_name", "assigned_to__last_name")
        .distinct()
        .order_by("assigned_to__username")
    )
    return [(pk, f"{first} {last}".strip() or username) for pk, username, first, last in rows]


def unassigned_count(*, campaign: Campaign) -> int:
    """Targets still to be called that nobody has on a call list yet."""
    return campaign.targets.filter(status=TargetStatus.PENDING, assigned_to__isnull=True).count()


def target_calls(*, target: CampaignTarget) -> list[Activity]:
    """The calls made to the target and those planned, newest first."""
    return list(
        Activity.objects.filter(campaign_target=target)
        .select_related("owner")
        .order_by(Coalesce("done_at", "due_at").desc(nulls_last=True), "-id")
    )


def email_recipients(*, campaign: Campaign) -> QuerySet[CampaignTarget]:
    """Whom the next send of the campaign email reaches: not yet sent to or queued, not excluded, not
    unsubscribed here, with an address (an unsubscribe in another campaign is checked when sending)."""
    return (
        campaign.targets.filter(email_sent_at__isnull=True, email_queued_at__isnull=True)
        .exclude(status=TargetStatus.EXCLUDED)
        .exclude(response=Response.UNSUBSCRIBED)
        .exclude(email="")
        .order_by("name", "id")
    )


def first_email_target(*, campaign: Campaign) -> CampaignTarget | None:
    """The target whose email the campaign page previews: the first one the next send would reach."""
    return (
        email_recipients(campaign=campaign).first() or campaign.targets.exclude(email="").order_by("name", "id").first()
    )


def target_keys(*, campaign: Campaign) -> tuple[set[int], set[int]]:
    """The parties and the leads already on the campaign: the same one is never a target twice."""
    parties: set[int] = set()
    leads: set[int] = set()
    for party_id, lead_id in campaign.targets.values_list("party_id", "lead_id"):
        if party_id:
            parties.add(party_id)
        if lead_id:
            leads.add(lead_id)
    return parties, leads


def already_targets(*, campaign: Campaign, candidates) -> int:
    """How many of ``candidates`` (from ``segment_candidates``) adding would skip as already on the campaign."""
    parties, leads = target_keys(campaign=campaign)
    return sum(
        1
        for candidate in candidates
        if (candidate.party_id and candidate.party_id in parties) or (candidate.lead_id and candidate.lead_id in leads)
    )

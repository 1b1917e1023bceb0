"""Extension points through which apps later in the dependency order (salesapp, invoicing) contribute to
marketing's reads without marketing importing them (DESIGN.md §1: core ← marketing ← salesapp ← invoicing).

Each app registers its contributions in its ``AppConfig.ready()``. These are reads only: no business
event travels through here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that touched a party, as its timeline shows it."""

    at: datetime.datetime
    kind: str  # a stable key: "activity", "lead", "order", "invoice", …
    kind_label: str  # the same, in the user's language
    title: str
    detail: str = ""
    url: str = ""
    state: str = ""


@dataclass(frozen=True)
class CampaignFigure:
    """An amount attributed to a campaign by a later app, e.g. ordered or invoiced revenue."""

    key: str
    label: str
    amount: Decimal


# ``source(party_ids, limit)`` → at most ``limit`` newest entries about those parties, in one or two queries.
TimelineSource = Callable[[list[int], int], Iterable[TimelineEntry]]
# ``check(opportunity)`` → True when a quotation or sales order was made for the opportunity.
OpportunityDocumentCheck = Callable[[object], bool]
# ``source(campaign_ids)`` → {campaign_id: [figures]}, in a fixed number of queries.
CampaignRevenueSource = Callable[[list[int]], dict[int, list[CampaignFigure]]]

timeline_sources: list[TimelineSource] = []
opportunity_document_checks: list[OpportunityDocumentCheck] = []
campaign_revenue_sources: list[CampaignRevenueSource] = []


def register_timeline_source(source: TimelineSource) -> None:
    if source not in timeline_sources:
        timeline_sources.append(source)


def register_opportunity_document_check(check: OpportunityDocumentCheck) -> None:
    if check not in opportunity_document_checks:
        opportunity_document_checks.append(check)


def register_campaign_revenue_source(source: CampaignRevenueSource) -> None:
    if source not in campaign_revenue_sources:
        campaign_revenue_sources.append(source)


def opportunity_has_sales_document(opportunity) -> bool:
    return any(check(opportunity) for check in opportunity_document_checks)


def campaign_revenue(campaign_ids: list[int]) -> dict[int, list[CampaignFigure]]:
    figures: dict[int, list[CampaignFigure]] = {pk: [] for pk in campaign_ids}
    for source in campaign_revenue_sources:
        for pk, found in source(campaign_ids).items():
            figures.setdefault(pk, []).extend(found)
    return figures

"""Reads of leads: the filtered list, one lead with what its page shows, and the parties a conversion could use."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from core.listing import order_by_sort
from core.search import contains_any
from marketing.models import Lead, Party
from marketing.selectors.parties import OPEN_LEAD_STATES, party_duplicates

# The lead list's sortable columns and what each orders by.
LEAD_SORTS = {
    "number": ("number",),
    "company": ("company_name",),
    "contact": ("contact_name",),
    "email": ("email",),
    "source": ("source",),
    "campaign": ("campaign__number",),
    "owner": ("owner__username",),
    "created": ("created_at",),
    "state": ("state",),
}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def lead_list(
    *,
    search: str = "",
    state: str = "",
    source: str = "",
    campaign_id: int | None = None,
    owner_id: int | None = None,
    created_from: datetime.date | None = None,
    created_to: datetime.date | None = None,
    number_from: str = "",
    number_to: str = "",
    ids: list[int] | None = None,
    party_id: int | None = None,
    open_only: bool = False,
    ordering: str = "",
) -> QuerySet[Lead]:
    """Leads, newest first, with what a list row shows; ``search`` looks in number, company, contact and email,
    the created range takes whole days in the local time zone, ``open_only`` keeps new and qualified leads.
    Numbers of one series have a fixed width, so a number range (e.g. the leads of one import) compares as text."""
    leads = Lead.objects.select_related("campaign", "owner", "party")
    if search:
        leads = leads.filter(contains_any(search, "number", "company_name", "contact_name", "email"))
    if state:
        leads = leads.filter(state=state)
    if source:
        leads = leads.filter(source=source)
    if campaign_id:
        leads = leads.filter(campaign_id=campaign_id)
    if owner_id:
        leads = leads.filter(owner_id=owner_id)
    if created_from:
        leads = leads.filter(created_at__gte=_start_of(created_from))
    if created_to:
        leads = leads.filter(created_at__lt=_start_of(created_to + datetime.timedelta(days=1)))
    if number_from:
        leads = leads.filter(number__gte=number_from)
    if number_to:
        leads = leads.filter(number__lte=number_to)
    if ids is not None:
        leads = leads.filter(pk__in=ids)
    if party_id:
        leads = leads.filter(party_id=party_id)
    if open_only:
        leads = leads.filter(state__in=OPEN_LEAD_STATES)
    return order_by_sort(leads, ordering, sorts=LEAD_SORTS, default=["-id"])


def lead_get(*, pk: int) -> Lead:
    return Lead.objects.select_related("campaign", "owner", "party", "created_by").get(pk=pk)


def lead_party_candidates(*, lead: Lead) -> list[Party]:
    """Existing parties a conversion of this lead should probably use instead of creating one: the lead's own
    party, or parties with its email or with its name and postcode."""
    if lead.party_id:
        return [lead.party]
    return list(
        party_duplicates(name=lead.company_name or lead.contact_name, email=lead.email, postcode=lead.postcode)[:10]
    )

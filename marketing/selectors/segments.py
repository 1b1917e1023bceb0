"""Segments: which prospects, customers, leads and opportunities a set of filters selects as campaign targets.

A filter set is a plain dict (it is stored on a saved segment as JSON)::

    {"roles": ["prospect", "customer", "lead", "opportunity"], "kind": "organization", "tags": ["VIP"],
     "country": "NL", "city": "Utrecht", "language": "nl", "stage": [1, 2],
     "last_activity_before": "2025-01-31", "last_activity_after": "2024-01-01", "no_activity_days": 90,
     "has_open_opportunity": true, "search": "kantoor"}

Every key is optional; no roles means all four. A party is selected once, as the most advanced thing it is:
an open opportunity before an open lead before a customer before a prospect."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ValidationFailed
from marketing.choices import Language, LeadState, OpportunityState, PartyKind, TargetSource
from marketing.countries import country_checked
from marketing.models import Activity, Contact, Lead, Opportunity, OpportunityStage, Party, Segment

FILTER_KEYS = (
    "roles",
    "kind",
    "tags",
    "country",
    "city",
    "language",
    "stage",
    "last_activity_before",
    "last_activity_after",
    "no_activity_days",
    "has_open_opportunity",
    "search",
)
OPEN_LEAD_STATES = (LeadState.NEW, LeadState.QUALIFIED)
# Which role wins when a party is found under several (see the module docstring).
ROLE_PRIORITY = (TargetSource.OPPORTUNITY, TargetSource.LEAD, TargetSource.CUSTOMER, TargetSource.PROSPECT)


@dataclass(frozen=True)
class Candidate:
    """A would-be target with the contact data it would be reached at."""

    source: str
    party: Party | None
    lead: Lead | None
    opportunity: Opportunity | None
    name: str
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    language: str = ""

    @property
    def party_id(self) -> int | None:
        return self.party.pk if self.party else None

    @property
    def lead_id(self) -> int | None:
        return self.lead.pk if self.lead else None

    def get_source_display(self) -> str:
        return str(TargetSource(self.source).label)


# --- validation ----------------------------------------------------------------------------------------------------


def _text(value: Any, key: str, errors: dict[str, str], *, max_length: int = 100) -> str:
    if not isinstance(value, str):
        errors[f"filters.{key}"] = gettext("Expected a text.")
        return ""
    value = value.strip()
    if len(value) > max_length:
        errors[f"filters.{key}"] = gettext("Keep it under %(count)d characters.") % {"count": max_length}
    return value


def _date(value: Any, key: str, errors: dict[str, str]) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        errors[f"filters.{key}"] = gettext("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": value}
        return ""


def _text_list(value: Any, key: str, errors: dict[str, str]) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        errors[f"filters.{key}"] = gettext("Expected a list of names.")
        return []
    return sorted({item.strip() for item in value if item.strip()})


def _roles(value: Any, errors: dict[str, str]) -> list[str]:
    roles = _text_list(value, "roles", errors)
    unknown = [role for role in roles if role not in TargetSource.values]
    if unknown:
        errors["filters.roles"] = gettext("Unknown role '%(role)s'; use prospect, customer, lead or opportunity.") % {
            "role": unknown[0]
        }
    return [role for role in ROLE_PRIORITY if role in roles]


def _stages(value: Any, errors: dict[str, str]) -> list[int]:
    if isinstance(value, int | str):
        value = [value]
    try:
        ids = sorted({int(item) for item in value})
    except (TypeError, ValueError):
        errors["filters.stage"] = gettext("Expected a list of opportunity stage ids.")
        return []
    known = set(OpportunityStage.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in known]
    if missing:
        errors["filters.stage"] = gettext("There is no opportunity stage with id %(id)s.") % {"id": missing[0]}
    return ids


def _days(value: Any, key: str, errors: dict[str, str]) -> int | None:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 3650:
        errors[f"filters.{key}"] = gettext("Give a number of days from 1 to 3650.")
        return None
    return days


def _boolean(value: Any, key: str, errors: dict[str, str]) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    errors[f"filters.{key}"] = gettext("Expected true or false.")
    return None


def segment_filters_clean(filters: dict | None) -> dict:
    """The filters in their stored shape (sorted lists, ISO dates, upper-case country), empty ones left out;
    a ValidationFailed names every bad key as ``filters.<key>``."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise ValidationFailed(field_errors={"filters": gettext("Filters are a set of named values.")})
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key, value in filters.items():
        if key not in FILTER_KEYS:
            errors[f"filters.{key}"] = gettext("Unknown filter.")
            continue
        if value in (None, "", [], ()):
            continue
        if key == "roles":
            cleaned[key] = _roles(value, errors)
        elif key == "kind":
            cleaned[key] = _text(value, key, errors)
            if cleaned[key] not in PartyKind.values:
                errors["filters.kind"] = gettext("Unknown kind '%(kind)s'; use organization or person.") % {
                    "kind": value
                }
        elif key == "tags":
            cleaned[key] = _text_list(value, key, errors)
        elif key == "country":
            cleaned[key] = country_checked(_text(value, key, errors), errors, "filters.country")
        elif key == "language":
            cleaned[key] = _text(value, key, errors)
            if cleaned[key] not in Language.values:
                errors["filters.language"] = gettext("Unknown language '%(language)s'.") % {"language": value}
        elif key == "stage":
            cleaned[key] = _stages(value, errors)
        elif key in ("last_activity_before", "last_activity_after"):
            cleaned[key] = _date(value, key, errors)
        elif key == "no_activity_days":
            cleaned[key] = _days(value, key, errors)
        elif key == "has_open_opportunity":
            cleaned[key] = _boolean(value, key, errors)
        else:  # city, search
            cleaned[key] = _text(value, key, errors)
    before, after = cleaned.get("last_activity_before"), cleaned.get("last_activity_after")
    if before and after and "filters.last_activity_before" not in errors and before <= after:
        errors["filters.last_activity_before"] = gettext(
            "Nothing can be both before %(before)s and after %(after)s: swap the dates."
        ) % {"before": before, "after": after}
    if (
        cleaned.get("stage")
        and cleaned.get("roles")
        and TargetSource.OPPORTUNITY not in cleaned["roles"]
        and "filters.stage" not in errors
    ):
        errors["filters.stage"] = gettext("Stages select opportunities: add the opportunity role.")
    if errors:
        raise ValidationFailed(field_errors=errors)
    return {key: value for key, value in cleaned.items() if value not in ("", [], None)}


# --- selection -----------------------------------------------------------------------------------------------------


def _primary_contacts(path: str) -> Prefetch:
    return Prefetch(path, queryset=Contact.objects.filter(is_primary=True), to_attr="primary_contacts")


def _primary_contact(party: Party) -> Contact | None:
    found = getattr(party, "primary_contacts", None)
    if found is None:
        found = list(party.contacts.filter(is_primary=True))
    return found[0] if found else None


def _last_activity(*, party_ref: str, lead_ref: str | None = None) -> Subquery:
    """When the party (or lead) was last in touch: done calls by when they were done, planned ones by when due."""
    touches = Q(party=OuterRef(party_ref))
    if lead_ref:
        touches |= Q(lead=OuterRef(lead_ref))
    return Subquery(
        Activity.objects.filter(touches)
        .annotate(at=Coalesce("done_at", "due_at", "created_at"))
        .order_by("-at")
        .values("at")[:1]
    )


def _open_opportunity(party_ref: str) -> Exists:
    return Exists(Opportunity.objects.filter(party=OuterRef(party_ref), state=OpportunityState.OPEN))


def _party_match(filters: dict, prefix: str = "") -> Q:
    """What the filters ask of a party, from a queryset of parties (prefix "") or of things on a party."""
    q = Q()
    if "kind" in filters:
        q &= Q(**{f"{prefix}kind": filters["kind"]})
    if "tags" in filters:
        # A subquery rather than a join, so a party with two of the tags is still one row.
        q &= Q(**{f"{prefix}id__in": Party.objects.filter(tags__name__in=filters["tags"]).values("pk")})
    if "country" in filters:
        q &= Q(**{f"{prefix}country__iexact": filters["country"]})
    if "city" in filters:
        q &= Q(**{f"{prefix}city__iexact": filters["city"]})
    if "language" in filters:
        q &= Q(**{f"{prefix}language": filters["language"]})
    if "search" in filters:
        term = filters["search"]
        q &= (
            Q(**{f"{prefix}name__icontains": term})
            | Q(**{f"{prefix}email__icontains": term})
            | Q(**{f"{prefix}city__icontains": term})
        )
    return q


def _lead_own_match(filters: dict) -> Q:
    """The same asked of a lead that has no party yet: its own contact data, and no tags, language or deals."""
    if "tags" in filters or "language" in filters or filters.get("has_open_opportunity") is True:
        return Q(pk__in=[])
    q = Q(party__isnull=True)
    if "kind" in filters:
        q &= ~Q(company_name="") if filters["kind"] == PartyKind.ORGANIZATION else Q(company_name="")
    if "country" in filters:
        q &= Q(country__iexact=filters["country"])
    if "city" in filters:
        q &= Q(city__iexact=filters["city"])
    if "search" in filters:
        term = filters["search"]
        q &= (
            Q(company_name__icontains=term)
            | Q(contact_name__icontains=term)
            | Q(email__icontains=term)
            | Q(city__icontains=term)
        )
    return q


def _activity_and_deal_filters(queryset: QuerySet, filters: dict, *, has_open: str) -> QuerySet:
    if "last_activity_before" in filters:
        # Never in touch counts as "not since": those are exactly the ones a campaign should reach.
        before = datetime.date.fromisoformat(filters["last_activity_before"])
        queryset = queryset.filter(Q(last_activity__isnull=True) | Q(last_activity__date__lt=before))
    if "no_activity_days" in filters:
        # Counted back from the day the segment is applied, so a saved segment stays true to its name.
        since = timezone.localdate() - datetime.timedelta(days=filters["no_activity_days"])
        queryset = queryset.filter(Q(last_activity__isnull=True) | Q(last_activity__date__lte=since))
    if "last_activity_after" in filters:
        after = datetime.date.fromisoformat(filters["last_activity_after"])
        queryset = queryset.filter(last_activity__date__gt=after)
    if "has_open_opportunity" in filters:
        queryset = queryset.filter(**{has_open: filters["has_open_opportunity"]})
    return queryset


def _parties(filters: dict, *, customers: bool | None) -> QuerySet[Party]:
    parties = Party.objects.filter(_party_match(filters)).select_related("customer")
    if customers is not None:
        parties = parties.filter(customer__isnull=not customers)
    parties = parties.annotate(last_activity=_last_activity(party_ref="pk"), has_open=_open_opportunity("pk"))
    return (
        _activity_and_deal_filters(parties, filters, has_open="has_open")
        .prefetch_related(_primary_contacts("contacts"))
        .order_by("name", "id")
    )


def _leads(filters: dict) -> QuerySet[Lead]:
    with_party = Q(party__isnull=False) & _party_match(filters, "party__")
    leads = (
        Lead.objects.filter(state__in=OPEN_LEAD_STATES)
        .filter(with_party | _lead_own_match(filters))
        .select_related("party")
        .annotate(
            last_activity=_last_activity(party_ref="party_id", lead_ref="pk"),
            has_open=_open_opportunity("party_id"),
        )
    )
    return (
        _activity_and_deal_filters(leads, filters, has_open="has_open")
        .prefetch_related(_primary_contacts("party__contacts"))
        .order_by("company_name", "contact_name", "id")
    )


def _opportunities(filters: dict) -> QuerySet[Opportunity]:
    opportunities = (
        Opportunity.objects.filter(state=OpportunityState.OPEN)
        .filter(_party_match(filters, "party__"))
        .select_related("party", "contact")
        .annotate(last_activity=_last_activity(party_ref="party_id"), has_open=_open_opportunity("party_id"))
    )
    if "stage" in filters:
        opportunities = opportunities.filter(stage_id__in=filters["stage"])
    return (
        _activity_and_deal_filters(opportunities, filters, has_open="has_open")
        .prefetch_related(_primary_contacts("party__contacts"))
        .order_by("party__name", "id")
    )


def party_candidate(party: Party, *, source: str, contact: Contact | None = None) -> Candidate:
    contact = contact or _primary_contact(party)
    return Candidate(
        source=source,
        party=party,
        lead=None,
        opportunity=None,
        name=party.name,
        contact_name=contact.name if contact else "",
        email=(contact.email if contact and contact.email else party.email),
        phone=(contact.phone if contact and contact.phone else party.phone),
        street=party.street,
        postcode=party.postcode,
        city=party.city,
        country=party.country,
        language=party.language,
    )


def lead_candidate(lead: Lead) -> Candidate:
    if lead.party_id:
        # The party is who is reached; the lead's own person, when it names one, is who to ask for.
        base = party_candidate(lead.party, source=TargetSource.LEAD)
        return replace(
            base,
            lead=lead,
            contact_name=lead.contact_name or base.contact_name,
            email=lead.email or base.email,
            phone=lead.phone or base.phone,
        )
    return Candidate(
        source=TargetSource.LEAD,
        party=None,
        lead=lead,
        opportunity=None,
        name=lead.company_name or lead.contact_name,
        contact_name=lead.contact_name if lead.company_name else "",
        email=lead.email,
        phone=lead.phone,
        postcode=lead.postcode,
        city=lead.city,
        country=lead.country,
    )


def opportunity_candidate(opportunity: Opportunity) -> Candidate:
    base = party_candidate(opportunity.party, source=TargetSource.OPPORTUNITY, contact=opportunity.contact)
    return replace(base, opportunity=opportunity)


def _party_source(party: Party) -> str:
    return TargetSource.CUSTOMER if getattr(party, "customer", None) else TargetSource.PROSPECT


def _deduplicated(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per party and per lead: the first found wins, so callers pass the preferred role first."""
    seen_parties: set[int] = set()
    seen_leads: set[int] = set()
    kept = []
    for candidate in candidates:
        if (candidate.party_id and candidate.party_id in seen_parties) or (
            candidate.lead_id and candidate.lead_id in seen_leads
        ):
            continue
        if candidate.party_id:
            seen_parties.add(candidate.party_id)
        if candidate.lead_id:
            seen_leads.add(candidate.lead_id)
        kept.append(candidate)
    return kept


def segment_candidates(*, filters: dict | None) -> list[Candidate]:
    """Everyone the filters select, once each, sorted by name; two queries per role whatever the count.

    Stages only describe opportunities: with stages and no roles, only opportunities are selected."""
    filters = segment_filters_clean(filters)
    default_roles = [TargetSource.OPPORTUNITY] if "stage" in filters else list(ROLE_PRIORITY)
    roles = filters.get("roles") or default_roles
    found: list[Candidate] = []
    if TargetSource.OPPORTUNITY in roles:
        found += [opportunity_candidate(opportunity) for opportunity in _opportunities(filters)]
    if TargetSource.LEAD in roles:
        found += [lead_candidate(lead) for lead in _leads(filters)]
    party_roles = {TargetSource.CUSTOMER, TargetSource.PROSPECT} & set(roles)
    if party_roles:
        # Customers and prospects in one query when both are asked for.
        customers = None if len(party_roles) == 2 else TargetSource.CUSTOMER in party_roles
        found += [
            party_candidate(party, source=_party_source(party)) for party in _parties(filters, customers=customers)
        ]
    return sorted(_deduplicated(found), key=lambda candidate: (candidate.name.casefold(), candidate.source))


def explicit_candidates(*, parties=(), leads=(), opportunities=()) -> list[Candidate]:
    """Candidates for records picked one by one (ids or instances), whatever their state (the caller decides
    what may be added): a party is a customer or a prospect as it stands today."""
    party_ids = [getattr(item, "pk", item) for item in parties]
    lead_ids = [getattr(item, "pk", item) for item in leads]
    opportunity_ids = [getattr(item, "pk", item) for item in opportunities]
    found: list[Candidate] = []
    if opportunity_ids:
        found += [
            opportunity_candidate(opportunity)
            for opportunity in Opportunity.objects.filter(pk__in=opportunity_ids)
            .select_related("party", "contact")
            .prefetch_related(_primary_contacts("party__contacts"))
            .order_by("id")
        ]
    if lead_ids:
        found += [
            lead_candidate(lead)
            for lead in Lead.objects.filter(pk__in=lead_ids)
            .select_related("party")
            .prefetch_related(_primary_contacts("party__contacts"))
            .order_by("id")
        ]
    if party_ids:
        found += [
            party_candidate(party, source=_party_source(party))
            for party in Party.objects.filter(pk__in=party_ids)
            .select_related("customer")
            .prefetch_related(_primary_contacts("contacts"))
            .order_by("id")
        ]
    return found


def segment_list(*, search: str = "") -> QuerySet[Segment]:
    segments = Segment.objects.select_related("created_by")
    if search:
        segments = segments.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return segments.order_by("name", "id")

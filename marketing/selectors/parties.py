"""Reads of parties: lists with their relationship stage, possible duplicates, the timeline and what a merge
would move."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case, CharField, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, Replace
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from core import extensions
from core.extensions import TimelineEntry
from core.listing import order_by_sort
from core.search import company_name_key, company_name_key_of, contains_any, search_filter
from marketing.choices import LeadState, OpportunityState, RelationshipStage
from marketing.models import Activity, Address, CampaignTarget, Contact, Lead, Opportunity, Party

OPEN_LEAD_STATES = (LeadState.NEW, LeadState.QUALIFIED)


# How alike two names must be (pg_trgm similarity, 0 to 1) to call one party a probable duplicate of the other:
# "Hendrikx Drukwerk" is 0.8 like "Hendriks Drukwerk", "Acme Tools" 0.45 like "Acme".
NAME_SIMILARITY = 0.7


def _digits(expression):
    return Func(
        expression, Value(r"[^0-9]+"), Value(""), Value("g"), function="REGEXP_REPLACE", output_field=CharField()
    )


def squeezed(value: str) -> str:
    """Lower case without any whitespace: how names and postcodes are compared for duplicates."""
    return "".join((value or "").split()).lower()


def _squeezed_field(field: str):
    # Spaces are the only whitespace clerks type in names and postcodes; tabs/newlines never reach these fields.
    return Lower(Replace(field, Value(" "), Value("")))


def party_duplicates(
    *, name: str = "", email: str = "", postcode: str = "", exclude_pk: int | None = None
) -> QuerySet[Party]:
    """Parties that are probably the same as the one described: the same email (case-insensitive), or a name like
    it (party_name_similar) where the postcodes do not differ (the same, ignoring case and spaces, or one of them
    not known)."""
    email = (email or "").strip()
    squeezed_postcode = squeezed(postcode)
    condition = Q()
    if email:
        condition |= Q(email__iexact=email)
    similar = party_name_similar(name)
    if similar is not None:
        if squeezed_postcode:
            similar &= Q(squeezed_postcode=squeezed_postcode) | Q(postcode="")
        condition |= similar
    if not condition:
        return Party.objects.none()
    parties = Party.objects.alias(
        squeezed_postcode=_squeezed_field("postcode"),
        name_key=company_name_key(F("name")),
        name_digits=_digits(company_name_key(F("name"))),
        name_similarity=TrigramSimilarity(company_name_key(F("name")), company_name_key(Value(name or ""))),
    ).filter(condition)
    if exclude_pk is not None:
        parties = parties.exclude(pk=exclude_pk)
    return parties.order_by("name", "id")


def party_name_similar(name: str) -> Q | None:
    """Names alike once case, punctuation and the legal form are set aside ("Hendriks Drukwerk" and "Hendriks
    Drukwerk B.V."), by trigram similarity of at least NAME_SIMILARITY, with the same numbers in them ("Store 1"
    is not "Store 2"). Needs the aliases of ``party_duplicates``; None when the name has nothing to compare."""
    key = company_name_key_of(name)
    if not key:
        return None
    typed = company_name_key(Value(name))
    # "%" finds candidates through the trigram index on the key (its default threshold is lower); the similarity
    # and the numbers are checked on those only.
    return Q(name_key__trigram_similar=typed, name_similarity__gte=NAME_SIMILARITY, name_digits=_digits(typed))


def with_stage(parties: QuerySet[Party]) -> QuerySet[Party]:
    """Annotate ``stage`` (a RelationshipStage): customer with a customer account, else opportunity with an
    open opportunity, else lead with an open lead, else prospect — in the same query as the parties."""
    open_opportunity = Opportunity.objects.filter(party=OuterRef("pk"), state=OpportunityState.OPEN)
    open_lead = Lead.objects.filter(party=OuterRef("pk"), state__in=OPEN_LEAD_STATES)
    return parties.annotate(
        stage=Case(
            When(customer__isnull=False, then=Value(RelationshipStage.CUSTOMER.value)),
            When(Exists(open_opportunity), then=Value(RelationshipStage.OPPORTUNITY.value)),
            When(Exists(open_lead), then=Value(RelationshipStage.LEAD.value)),
            default=Value(RelationshipStage.PROSPECT.value),
            output_field=CharField(),
        )
    )


def stage_label(stage: str) -> str:
    return str(RelationshipStage(stage).label) if stage in RelationshipStage.values else ""


# The party list's sortable columns and what each orders by.
PARTY_SORTS = {
    "name": ("name",),
    "kind": ("kind",),
    "email": ("email",),
    "city": ("city",),
    "country": ("country",),
    "stage": ("stage",),
}


def party_list(
    *,
    search: str = "",
    kind: str = "",
    country: str = "",
    city: str = "",
    language: str = "",
    stage: str = "",
    tag: str = "",
    ordering: str = "",
) -> QuerySet[Party]:
    """Parties with their customer account, stage and tags; ``search`` looks in name, email, city and the
    names of contact persons, ``tag`` is a tag name (any case)."""
    parties = with_stage(Party.objects.select_related("customer")).prefetch_related("tags")
    if search:
        contacts = Contact.objects.filter(name__icontains=search)
        parties = search_filter(
            parties, contains_any(search, "name", "email", "city"), Q(pk__in=contacts.values("party_id"))
        )
    if kind:
        parties = parties.filter(kind=kind)
    if country:
        parties = parties.filter(country__iexact=country)
    if city:
        parties = parties.filter(city__iexact=city)
    if language:
        parties = parties.filter(language=language)
    if stage:
        parties = parties.filter(stage=stage)
    if tag:
        parties = parties_tagged(parties, tag=tag)
    return order_by_sort(parties, ordering, sorts=PARTY_SORTS, default=["name", "id"])


def parties_tagged(parties: QuerySet[Party], *, tag: str) -> QuerySet[Party]:
    """The parties that have the tag named ``tag`` (any case)."""
    return parties.filter(pk__in=Party.tags.through.objects.filter(tag__name__iexact=tag.strip()).values("party_id"))


def party_with_details(parties: QuerySet[Party]) -> QuerySet[Party]:
    """Contacts, addresses and tags fetched with the parties: one query each, whatever the number of parties."""
    return parties.prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "name", "id")),
        Prefetch("addresses", queryset=Address.objects.order_by("purpose", "-is_default", "id")),
    )


def party_get(*, pk: int) -> Party:
    return party_with_details(party_list()).get(pk=pk)


def party_open_leads(*, party: Party) -> QuerySet[Lead]:
    return Lead.objects.filter(party=party, state__in=OPEN_LEAD_STATES).select_related("owner").order_by("-id")


def party_open_opportunities(*, party: Party) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(party=party, state=OpportunityState.OPEN)
        .select_related("stage", "owner")
        .order_by("expected_close_date", "id")
    )


def party_search(*, search: str, exclude_pk: int | None = None, limit: int = 20) -> list[Party]:
    """Parties to pick from (e.g. the other party of a merge), by name, email, city or contact name."""
    parties = party_list(search=search.strip()) if search.strip() else party_list()
    if exclude_pk is not None:
        parties = parties.exclude(pk=exclude_pk)
    return list(parties[:limit])


# Timeline


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    page: int
    has_next: bool


def _activity_entries(party: Party, limit: int) -> list[TimelineEntry]:
    activities = (
        Activity.objects.filter(party=party)
        .select_related("owner")
        .annotate(at=Coalesce("done_at", "created_at"))
        .order_by("-at", "-id")[:limit]
    )
    entries = []
    for activity in activities:
        owner = activity.owner.get_full_name() or activity.owner.get_username()
        if activity.done:
            detail = gettext("Done by %(owner)s") % {"owner": owner}
        elif activity.due_at:
            due = formats.date_format(timezone.localtime(activity.due_at), "SHORT_DATETIME_FORMAT")
            detail = gettext("Planned for %(owner)s, due %(due)s") % {"owner": owner, "due": due}
        else:
            detail = gettext("Planned for %(owner)s") % {"owner": owner}
        entries.append(
            TimelineEntry(
                at=activity.at,
                kind="activity",
                kind_label=activity.get_activity_type_display(),
                title=activity.subject,
                detail=detail,
                url=reverse("marketing:activity_detail", args=[activity.pk]),
                state=gettext("Done") if activity.done else gettext("Open"),
            )
        )
    return entries


def _target_selected_entries(party: Party, limit: int) -> list[TimelineEntry]:
    targets = (
        CampaignTarget.objects.filter(party=party).select_related("campaign").order_by("-created_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=target.created_at,
            kind="campaign_target",
            kind_label=gettext("Campaign"),
            title=str(target.campaign),
            detail=gettext("Selected as: %(source)s") % {"source": target.get_source_display()},
            url=reverse("marketing:target_detail", args=[target.pk]),
            state=target.get_status_display(),
        )
        for target in targets
    ]


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _target_response_entries(party: Party, limit: int) -> list[TimelineEntry]:
    # A response is recorded with its date only: it sorts at the start of that day.
    targets = (
        CampaignTarget.objects.filter(party=party, response_date__isnull=False)
        .exclude(response="")
        .select_related("campaign")
        .order_by("-response_date", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=_start_of_day(target.response_date),
            kind="campaign_response",
            kind_label=gettext("Campaign response"),
            title=str(target.campaign),
            detail=target.response_note,
            url=reverse("marketing:target_detail", args=[target.pk]),
            state=target.get_response_display(),
        )
        for target in targets
    ]


def _lead_entries(party: Party, limit: int) -> list[TimelineEntry]:
    leads = Lead.objects.filter(party=party).order_by("-created_at", "-id")[:limit]
    return [
        TimelineEntry(
            at=lead.created_at,
            kind="lead",
            kind_label=gettext("Lead"),
            title=str(lead),
            detail=gettext("Source: %(source)s") % {"source": lead.get_source_display()},
            url=reverse("marketing:lead_detail", args=[lead.pk]),
            state=lead.get_state_display(),
        )
        for lead in leads
    ]


def _opportunity_entries(party: Party, limit: int) -> list[TimelineEntry]:
    opportunities = (
        Opportunity.objects.filter(party=party).select_related("stage").order_by("-created_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=opportunity.created_at,
            kind="opportunity",
            kind_label=gettext("Opportunity"),
            title=f"{opportunity.number} {opportunity.name}",
            detail=gettext("%(stage)s, expected revenue %(amount)s")
            % {"stage": opportunity.stage.name, "amount": floatformat(opportunity.expected_revenue, "2g")},
            url=reverse("marketing:opportunity_detail", args=[opportunity.pk]),
            state=opportunity.get_state_display(),
        )
        for opportunity in opportunities
    ]


def _party_created_entry(party: Party) -> TimelineEntry:
    return TimelineEntry(
        at=party.created_at,
        kind="party",
        kind_label=gettext("Party"),
        title=gettext("%(name)s recorded") % {"name": party.name},
    )


MARKETING_TIMELINE_SOURCES = (
    _activity_entries,
    _target_selected_entries,
    _target_response_entries,
    _lead_entries,
    _opportunity_entries,
)


def party_timeline(*, party: Party, page: int = 1, per_page: int = 20) -> TimelinePage:
    """Everything that touched the party, newest first: activities, campaign selections and responses, leads,
    opportunities, and what later apps add (orders, invoices, payments). Each source is asked for at most
    ``page * per_page + 1`` rows — enough to fill the page and know whether an older one exists — so the number
    of queries is the same however long the history is."""
    page = max(1, int(page))
    limit = page * per_page + 1
    entries: list[TimelineEntry] = []
    for source in MARKETING_TIMELINE_SOURCES:
        entries.extend(source(party, limit))
    for source in extensions.timeline_sources:
        entries.extend(source([party.pk], limit))
    entries.append(_party_created_entry(party))
    # Stable sort: entries at the same moment keep their source's own order.
    entries.sort(key=lambda entry: entry.at, reverse=True)
    start = (page - 1) * per_page
    return TimelinePage(entries=entries[start : start + per_page], page=page, has_next=len(entries) > page * per_page)


# Merge


@dataclass(frozen=True)
class MergeMove:
    """Rows of one kind that a merge moves from the removed party to the kept one."""

    label: str
    count: int


def party_relations(*, own: bool | None = None) -> list:
    """The relations through which rows point at a party (hidden ones included: unsubscriptions, the tag
    links): marketing's own (``own=True``), other apps' (``own=False``) or all. Other apps' rows are only
    read this way; they are moved by the app itself (core.extensions.PartyMergeParticipant)."""
    relations = [
        field
        for field in Party._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]
    if own is None:
        return relations
    return [relation for relation in relations if (relation.related_model._meta.app_label == "marketing") == own]


def party_merge_unhandled(*, remove: Party) -> list[str]:
    """The kinds of rows of other apps that point at ``remove`` and that no app offered to move in a merge."""
    handled = {label for participant in extensions.party_merge_participants for label in participant.models}
    return [
        str(relation.related_model._meta.verbose_name_plural)
        for relation in party_relations(own=False)
        if relation.related_model._meta.label_lower not in handled
        and relation.related_model._base_manager.filter(**{relation.field.name: remove}).exists()
    ]


def party_merge_keeper(*, first: Party, second: Party) -> tuple[Party, Party]:
    """Which of two parties a merge keeps when nobody chose: the one with a customer account (its documents name
    it), otherwise the older one. Returns ``(keep, remove)``."""
    keep, remove = sorted((first, second), key=lambda party: (not hasattr(party, "customer"), party.pk))
    return keep, remove


def party_merge_preview(*, keep: Party, remove: Party) -> list[MergeMove]:
    """What merging ``remove`` into ``keep`` would move, per kind of row (one count query per kind)."""
    moves = []
    for relation in party_relations(own=True):
        model = relation.related_model
        rows = model._base_manager.filter(**{relation.field.name: remove})
        if model._meta.auto_created:
            # The link rows of a many-to-many (tags): what moves is the tags keep does not have yet.
            target = next(f for f in model._meta.fields if f.is_relation and f.related_model is not Party)
            kept = model._base_manager.filter(**{relation.field.name: keep}).values(target.attname)
            label = target.related_model._meta.verbose_name_plural
            count = rows.exclude(**{f"{target.attname}__in": kept}).count()
        else:
            label = model._meta.verbose_name if relation.one_to_one else model._meta.verbose_name_plural
            count = rows.count()
        if count:
            moves.append(MergeMove(label=capfirst(str(label)), count=count))
    for participant in extensions.party_merge_participants:
        moves.extend(MergeMove(label=label, count=count) for label, count in participant.preview(keep, remove))
    return moves

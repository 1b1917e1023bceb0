"""Reads of activities: lists, the owner's follow-ups, one activity with its follow-up chain."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BooleanField, Case, CharField, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core import extensions
from core.listing import day_after, day_start, order_by_sort
from marketing.models import Activity

# The groups of "My follow-ups", in the order the page shows them.
FOLLOWUP_GROUPS = ("overdue", "today", "upcoming", "no_date")

_LIST_RELATIONS = ("owner", "party", "lead", "opportunity", "campaign")


# The activity list's sortable columns and what each orders by.
ACTIVITY_SORTS = {
    "activity_type": ("activity_type",),
    "subject": ("subject",),
    "due": ("due_at",),
    "about": ("party__name",),
    "owner": ("owner__username",),
    "status": ("done",),
}


def activity_list(
    *,
    owner=None,
    done: bool | None = None,
    activity_type: str = "",
    party=None,
    lead=None,
    opportunity=None,
    campaign=None,
    due_before: datetime.datetime | None = None,
    due_after: datetime.datetime | None = None,
    search: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    followup: str = "",
    ordering: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet[Activity]:
    """Open ones first, soonest due first. ``due_after`` is inclusive, ``due_before`` exclusive, so two
    consecutive ranges never both hold an activity. ``date_from``/``date_to`` are on the day it was created;
    ``followup`` ("overdue" or "today") is the follow-up group of followups_for()."""
    activities = Activity.objects.select_related(*_LIST_RELATIONS)
    if owner is not None:
        activities = activities.filter(owner=owner)
    if done is not None:
        activities = activities.filter(done=done)
    if activity_type:
        activities = activities.filter(activity_type=activity_type)
    if party is not None:
        activities = activities.filter(party=party)
    if lead is not None:
        activities = activities.filter(lead=lead)
    if opportunity is not None:
        activities = activities.filter(opportunity=opportunity)
    if campaign is not None:
        activities = activities.filter(campaign=campaign)
    if due_after is not None:
        activities = activities.filter(due_at__gte=due_after)
    if due_before is not None:
        activities = activities.filter(due_at__lt=due_before)
    if search:
        activities = activities.filter(
            Q(subject__icontains=search)
            | Q(notes__icontains=search)
            | Q(party__name__icontains=search)
            | Q(lead__company_name__icontains=search)
        )
    if date_from:
        activities = activities.filter(created_at__gte=day_start(date_from))
    if date_to:
        activities = activities.filter(created_at__lt=day_after(date_to))
    if followup in ("overdue", "today"):
        now = now or timezone.now()
        activities = activities.filter(done=False, due_at__isnull=False)
        if followup == "overdue":
            activities = activities.filter(due_at__lt=now)
        else:
            activities = activities.filter(due_at__gte=now, due_at__lt=_start_of_tomorrow(timezone.localtime(now)))
    return order_by_sort(activities, ordering, sorts=ACTIVITY_SORTS, default=["done", "due_at", "id"])


def _start_of_tomorrow(now: datetime.datetime) -> datetime.datetime:
    today = timezone.localtime(now).date()
    return datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tzinfo=now.tzinfo)


def followups_for(*, user, now: datetime.datetime | None = None) -> QuerySet[Activity]:
    """The user's open activities: overdue (past their due time, oldest first), then the rest of today,
    then later, then those without a due date. Each row has ``followup_group`` (one of FOLLOWUP_GROUPS)
    and ``is_overdue``."""
    now = now or timezone.now()
    tomorrow = _start_of_tomorrow(timezone.localtime(now))
    group = Case(
        When(due_at__isnull=True, then=Value("no_date")),
        When(due_at__lt=now, then=Value("overdue")),
        When(due_at__lt=tomorrow, then=Value("today")),
        default=Value("upcoming"),
        output_field=CharField(),
    )
    rank = Case(
        *[When(followup_group=name, then=Value(index)) for index, name in enumerate(FOLLOWUP_GROUPS)],
        output_field=IntegerField(),
    )
    overdue = Case(When(due_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField())
    return (
        Activity.objects.filter(owner=user, done=False)
        .select_related(*_LIST_RELATIONS)
        .annotate(followup_group=group, is_overdue=overdue)
        .annotate(followup_rank=rank)
        .order_by("followup_rank", "due_at", "id")
    )


def followup_counts(*, user, now: datetime.datetime | None = None) -> dict[str, int]:
    """How many of the user's open activities are in each follow-up group, in one query."""
    counts = dict.fromkeys(FOLLOWUP_GROUPS, 0)
    rows = followups_for(user=user, now=now).order_by().values("followup_group").annotate(count=Count("id"))
    counts.update({row["followup_group"]: row["count"] for row in rows})
    return counts


def activity_is_overdue(activity: Activity, *, now: datetime.datetime | None = None) -> bool:
    """Open and past its due time: the rule ``followups_for`` annotates as ``is_overdue``, for rows read
    elsewhere."""
    annotated = getattr(activity, "is_overdue", None)
    if annotated is not None:
        return bool(annotated)
    return not activity.done and activity.due_at is not None and activity.due_at < (now or timezone.now())


def activities_open_for(*, party=None, lead=None, opportunity=None, campaign=None, document=None) -> QuerySet[Activity]:
    """Open activities of one record, as the activity panel of its page shows them."""
    links = {"party": party, "lead": lead, "opportunity": opportunity, "campaign": campaign}
    wanted = Q()
    for name, record in links.items():
        if record is not None:
            wanted &= Q(**{name: record})
    if document is not None:
        wanted &= Q(document_type=ContentType.objects.get_for_model(document), document_id=document.pk)
    return Activity.objects.filter(wanted, done=False).select_related("owner").order_by("due_at", "id")


def activities_url(*, party_id: int) -> str:
    """The activity list with the open activities of one party: where a page's bounded activity panel links."""
    return f"{reverse('marketing:activity_list')}?{urlencode({'party': party_id, 'status': 'open'})}"


def document_key(document) -> str:
    """How a page names a document in a link that plans an activity about it: ``app_label.model:id``."""
    return f"{document._meta.app_label}.{document._meta.model_name}:{document.pk}"


def document_find(*, document_type: str, document_id) -> tuple[object | None, str]:
    """The document ``app_label.model`` / id points at, or None and which part is wrong ("type" or "id")."""
    # Only the document types apps registered; anything else (users, tokens, …) is no document.
    app_label, _dot, model = str(document_type).lower().partition(".")
    content_type = None
    if f"{app_label}.{model}" in extensions.activity_document_types:
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    if content_type is None or content_type.model_class() is None:
        return None, "type"
    found = content_type.model_class()._default_manager.filter(pk=document_id).first()
    return found, "" if found is not None else "id"


def activity_get(*, pk: int) -> Activity:
    return Activity.objects.select_related(*_LIST_RELATIONS, "campaign_target", "document_type", "created_by").get(
        pk=pk
    )


# The whole thread an activity belongs to: walk up to the first activity, then down through every follow-up.
_CHAIN_SQL = """
WITH RECURSIVE root(id, parent_id) AS (
    SELECT id, follow_up_of_id FROM {table} WHERE id = %s
    UNION
    SELECT a.id, a.follow_up_of_id FROM {table} a JOIN root ON a.id = root.parent_id
), thread(id) AS (
    SELECT id FROM root WHERE parent_id IS NULL
    UNION
    SELECT a.id FROM {table} a JOIN thread ON a.follow_up_of_id = thread.id
)
SELECT id FROM thread
"""


def activity_chain(*, activity: Activity) -> list[Activity]:
    """Every activity of the follow-up thread ``activity`` belongs to (itself included), oldest first;
    two queries whatever the length of the thread."""
    with connection.cursor() as cursor:
        cursor.execute(_CHAIN_SQL.format(table=connection.ops.quote_name(Activity._meta.db_table)), [activity.pk])
        ids = [row[0] for row in cursor.fetchall()]
    return list(Activity.objects.filter(pk__in=ids).select_related("owner").order_by("created_at", "id"))

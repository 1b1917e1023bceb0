"""Business events: an outbox written in the transaction of the change, and the feed that reads it.

A service records what happened with ``event_record``; the row commits or rolls back with the change, so an
event exists exactly when its business change committed. Inside ``core.transitions.transitions_saved`` the
row is not written here but kept on the document, and the document's UPDATE writes it in the same statement
as the state and its log rows: an event raised by a posting step costs no statement of its own. Elsewhere it
is one INSERT.

The feed (``events_after``) and the webhook relay read the outbox in the order of the transactions that wrote
it. Ids are taken when a row is inserted but become visible when its transaction commits, so a later id can be
seen before an earlier one. The feed therefore hands out only events whose transaction is older than every
transaction still running (``pg_snapshot_xmin``), ordered by (transaction, id): nothing can later appear
before a cursor once it has been handed out, and the same cursor always gives the same events."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ValidationFailed
from core.models import Event
from core.state_log import DEFERRED_ATTRIBUTE

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model, QuerySet

# Bumped when a payload changes shape in a way a consumer may notice; consumers read it from every payload.
SCHEMA_VERSION = 1

# Where transitions_saved keeps a document's events until its UPDATE writes them.
EVENTS_DEFERRED = "_events_deferred"
EVENT_COLUMNS = "type, payload, subject_type_id, subject_id, occurred_at, actor_id"
# One row in a VALUES list: typed, because a NULL (no actor) has no type of its own. The subject's content
# type is named, and found by the INSERT itself: no look-up of its own, even in a process that has not
# cached it yet.
EVENT_ROW_VALUES = "(%s::varchar, %s::jsonb, %s::varchar, %s::varchar, %s::bigint, %s::timestamptz, %s::integer)"
EVENT_ROW_NAMES = "e(type, payload, app_label, model, subject_id, occurred_at, actor_id)"
EVENT_SELECT = "SELECT e.type, e.payload, ct.id, e.subject_id, e.occurred_at, e.actor_id"
CONTENT_TYPE_JOIN = "JOIN django_content_type ct ON ct.app_label = e.app_label AND ct.model = e.model"

# Only what no running transaction can still add to.
SETTLED_WHERE = "core_event.txid < pg_snapshot_xmin(pg_current_snapshot())"
AFTER_WHERE = "(core_event.txid, core_event.id) > (SELECT e.txid, e.id FROM core_event e WHERE e.id = %s)"


def event_record(*, type: str, subject: Model, by: User | None, data: dict[str, Any]) -> None:
    """Record that ``type`` happened to ``subject``, in the caller's transaction.

    ``data`` is the payload (JSON-serializable; dates and decimals as strings); ``schema_version`` is added.
    ``by`` is the actor (None only for a change nobody made, such as a quotation expiring)."""
    payload = json.dumps({"schema_version": SCHEMA_VERSION, **data}, cls=DjangoJSONEncoder)
    meta = subject._meta.concrete_model._meta
    row = [type, payload, meta.app_label, meta.model_name, subject.pk, timezone.now(), by and by.pk]
    if DEFERRED_ATTRIBUTE in subject.__dict__:
        subject.__dict__.setdefault(EVENTS_DEFERRED, []).append(row)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO core_event ({EVENT_COLUMNS}) {EVENT_SELECT} "
            f"FROM (VALUES {EVENT_ROW_VALUES}) AS {EVENT_ROW_NAMES} {CONTENT_TYPE_JOIN}",
            row,
        )


def deferred_events_take(instance) -> list[list[Any]]:
    """The events recorded on ``instance`` inside transitions_saved and not written yet (handed over once)."""
    return instance.__dict__.pop(EVENTS_DEFERRED, None) or []


@functools.cache
def events_insert_sql(rows: int) -> str:
    """The INSERT that writes ``rows`` deferred events for the document row a CTE named ``saved`` updated."""
    values = ", ".join([EVENT_ROW_VALUES] * rows)
    return (
        f"INSERT INTO core_event ({EVENT_COLUMNS}) {EVENT_SELECT} "
        f"FROM saved, (VALUES {values}) AS {EVENT_ROW_NAMES} {CONTENT_TYPE_JOIN}"
    )


def events_after(*, after: int | None = None, types: list[str] | None = None) -> QuerySet[Event]:
    """The settled events after the event ``after`` (from the first when None), in feed order.

    Refused when ``after`` names no event: a cursor is always an id the feed handed out."""
    events = Event.objects.select_related("subject_type").extra(where=[SETTLED_WHERE])
    if after:
        if not Event.objects.filter(pk=after).exists():
            message = gettext("There is no event %(id)s: use the id of an event the feed returned.") % {"id": after}
            raise ValidationFailed(field_errors={"after": message})
        events = events.extra(where=[AFTER_WHERE], params=[after])
    if types:
        events = events.filter(type__in=types)
    return events.order_by("txid", "id")


def event_document(event: Event) -> dict[str, Any]:
    """An event as the feed and webhooks send it."""
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "subject": {"type": f"{event.subject_type.app_label}.{event.subject_type.model}", "id": event.subject_id},
        "data": event.payload,
    }


# Every event type an app records, for subscriptions to choose from; each app registers its own in ready().
EVENT_TYPES: dict[str, None] = {}


def event_types_register(types) -> None:
    EVENT_TYPES.update(dict.fromkeys(types))


def event_types() -> list[str]:
    return sorted(EVENT_TYPES)

"""django-fsm-log's storage, writing each transition's row with one prepared INSERT.

The library's simple backend saves a ``StateLog`` through the ORM (its generic foreign key resolved, the
statement compiled) on every transition: five times per order from entry to invoice. This backend writes the
same row with the same values in one plain statement; the model, the admin and every read stay the library's.
Selected by ``DJANGO_FSM_LOG_STORAGE_METHOD``.

Inside ``core.transitions.transitions_saved`` the row is not written here but kept on the document, and the
document's UPDATE writes it in the same statement (one statement per step instead of two)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django_fsm_log.backends import BaseBackend, SimpleBackend
from django_fsm_log.conf import settings as fsm_log_settings
from django_fsm_log.helpers import FSMLogDescriptor

# Where transitions_saved keeps a document's rows until its UPDATE writes them.
DEFERRED_ATTRIBUTE = "_state_logs_deferred"
COLUMNS = "timestamp, by_id, source_state, state, transition, content_type_id, object_id, description"
# One deferred row in a VALUES list: typed, because a NULL (no actor, no description) has no type of its own.
ROW_VALUES = "(%s::timestamptz, %s::integer, %s::varchar, %s::varchar, %s::varchar, %s::integer, %s::text)"


def _attribute(instance, name: str):
    try:
        return FSMLogDescriptor(instance, name).get()
    except AttributeError:
        return None


class StatementBackend(SimpleBackend):
    @staticmethod
    def post_transition_callback(sender, instance, name, source, target, **kwargs):
        from django_fsm_log.models import StateLog

        if target is None:
            return
        if BaseBackend._get_model_qualified_name__(sender) in fsm_log_settings.DJANGO_FSM_LOG_IGNORED_MODELS:
            return
        by = _attribute(instance, "by")
        row = [
            timezone.now(),
            getattr(by, "pk", None),
            source,
            target,
            name,
            ContentType.objects.get_for_model(instance).pk,
            _attribute(instance, "description"),
        ]
        deferred = instance.__dict__.get(DEFERRED_ATTRIBUTE)
        if deferred is not None:
            deferred.append(row)
            return
        meta = StateLog._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [*row[:6], instance.pk, row[6]],
            )

"""State transitions from one source (DESIGN.md §2.5, §2.7).

A transition is declared once, with ``document_transition``: its source and target states, its label, the
conditions that must hold (each a ``Refusal`` that carries the reason it gives when it does not), the
permission it needs and the message for a document in a state it does not start from. Services fire it with
``transition_run``; pages list what they offer with ``document_actions``; the timeline names a logged
transition with ``transition_label``. A reason shown on a page, returned by the API and raised by a service
is therefore the same sentence.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import FunctionType, MethodType
from typing import Any

from django.db import connections
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition, FSMFieldMixin, TransitionNotAllowed, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from core.concurrency import is_versioned, stale_error, version_expected_of, version_seen, versions_written
from core.errors import ActionForbidden, ErrorCode, TransitionRefused
from core.events import deferred_events_take, events_insert_sql
from core.state_log import COLUMNS, DEFERRED_ATTRIBUTE, ROW_VALUES

ROLE_REFUSAL = "Your role does not allow this action."


@dataclass(frozen=True)
class Refusal:
    """A condition and the reason it gives when it does not hold.

    ``message`` is a (lazy) translatable string formatted with the document's ``refusal_context()``
    (``%(number)s``, ``%(state)s`` and whatever the model adds), or a callable ``(instance) -> str`` for
    reasons that need figures. ``predicate`` is pure: it reads the document (and its rows), never writes."""

    predicate: Callable[[Any], bool]
    message: Any
    # False for a precondition whose failure means the action is simply not for now (a step already done,
    # or one that comes later): a page then leaves the action out instead of explaining it.
    shown: bool = True

    def __call__(self, instance) -> bool:
        return bool(self.predicate(instance))

    def reason(self, instance) -> str:
        return message_format(self.message, instance)


def message_format(message, instance) -> str:
    """A refusal message for this document: a callable is asked, a string is filled in from its context."""
    if isinstance(message, FunctionType | MethodType):
        return str(message(instance))
    return str(message) % refusal_context(instance)


def refusal_context(instance) -> dict[str, Any]:
    """What a refusal message may name: the document's number and state, plus the model's own additions."""
    context: dict[str, Any] = {"number": getattr(instance, "number", None) or "", "state": ""}
    state_field = _state_field(type(instance))
    if state_field is not None:
        context["state"] = getattr(instance, f"get_{state_field.name}_display")()
    extra = getattr(instance, "refusal_context", None)
    if callable(extra):
        context.update(extra())
    return context


def first_failing(rules: Iterable[Refusal], instance) -> Refusal | None:
    """The first rule that does not hold, or None when all do."""
    return next((rule for rule in rules if not rule(instance)), None)


def first_refusal(rules: Iterable[Refusal], instance) -> str | None:
    """The reason of the first rule that does not hold, or None when all do."""
    failing = first_failing(rules, instance)
    return failing.reason(instance) if failing else None


def document_transition(
    *,
    field,
    source,
    target,
    label,
    conditions: Sequence[Refusal] = (),
    permission: str | None = None,
    refused_in_state=None,
    code: str | None = None,
    confirm=None,
    reason_label=None,
    reason_required: bool = False,
    template: str = "",
    automatic: bool = False,
    order: int = 50,
):
    """A model method as a transition, with its audit log and ``alters_data`` (DESIGN.md §2.5, §2.9).

    - ``label``: the button, and the step's name on the timeline.
    - ``refused_in_state``: the reason for a document in a state the transition does not start from.
    - ``code``: the error code a refusal carries (an app's ``ErrorCode``).
    - ``confirm``: a question the page asks before an irreversible step; ``reason_label``: the page asks for a
      reason (stored as the log's description), which ``reason_required`` makes compulsory.
    - ``template``: the include a page draws the action with when a button is not enough (a form with fields).
    - ``automatic``: fired by a service as a consequence (delivered, paid …), never offered as a button.
    - ``order``: where the page shows the action among the others (lower first)."""
    custom = {
        "label": label,
        "refused_in_state": refused_in_state,
        "code": code,
        "confirm": confirm,
        "reason_label": reason_label,
        "reason_required": reason_required,
        "template": template,
        "automatic": automatic,
        "order": order,
    }

    def decorator(func):
        wrapped = transition(
            field=field, source=source, target=target, conditions=list(conditions), permission=permission, custom=custom
        )(func)
        if reason_label is not None:
            wrapped = fsm_log_description(wrapped)
        wrapped = fsm_log_by(wrapped)
        wrapped.alters_data = True
        return wrapped

    return decorator


def _state_field(model) -> FSMFieldMixin | None:
    for field in model._meta.fields:
        if isinstance(field, FSMFieldMixin) and field.name == "state":
            return field
    for field in model._meta.fields:
        if isinstance(field, FSMFieldMixin):
            return field
    return None


def _meta(instance, name: str):
    return getattr(type(instance), name)._django_fsm


def _custom(instance, name: str) -> dict:
    meta = _meta(instance, name)
    return next(iter(meta.transitions.values())).custom


def _state_refusal(instance, name: str) -> str:
    message = _custom(instance, name)["refused_in_state"]
    if message is None:
        return gettext("'%(action)s' is not possible: %(number)s is %(state)s.") % {
            **refusal_context(instance),
            "action": str(_custom(instance, name)["label"]),
        }
    return message_format(message, instance)


def transition_refusal(instance, name: str, *, user=None) -> str | None:
    """Why transition ``name`` cannot run now (for ``user``, when given), or None when it can."""
    meta = _meta(instance, name)
    found = meta.get_transition(meta.field.get_state(instance))
    if found is None:
        return _state_refusal(instance, name)
    reason = first_refusal(found.conditions, instance)
    if reason is None and user is not None and not found.has_perm(instance, user):
        return gettext(ROLE_REFUSAL)
    return reason


def transition_run(
    bound_transition: Callable, *, by, code: str | None = None, check_permission: bool = True, **kwargs
) -> None:
    """Check that ``by`` may run the transition now, then run it (the caller saves).

    Raises ``TransitionRefused`` with the transition's own reason, or ``ActionForbidden``. Conditions are
    evaluated once on the way in (django-fsm evaluates them as it runs); only a refusal evaluates them again
    to find which one failed. ``by`` is required: background work passes the system actor.
    ``check_permission=False`` is for a step implied by an action the caller already authorized (posting an
    invoice "ship and invoice" delivers the remainder); it is never a way to run without an actor."""
    meta = bound_transition._django_fsm
    instance = bound_transition.__self__
    name = bound_transition.__name__
    found = meta.get_transition(meta.field.get_state(instance))
    code = code or _custom(instance, name)["code"] or ErrorCode.TRANSITION_REFUSED
    if found is None:
        raise TransitionRefused(code=code, reason=_state_refusal(instance, name))
    if by is None:
        raise ValueError("transition_run needs the actor `by`: pass the user, or the system actor for background work")
    if check_permission and not found.has_perm(instance, by):
        raise ActionForbidden(code=ErrorCode.PERMISSION_DENIED, reason=gettext(ROLE_REFUSAL))
    before = _field_values(instance)
    try:
        bound_transition(by=by, **kwargs)
    except TransitionNotAllowed:
        reason = first_refusal(found.conditions, instance) or _state_refusal(instance, name)
        raise TransitionRefused(code=code, reason=reason) from None
    changed = {attname for attname, value in _field_values(instance).items() if before[attname] != value}
    instance._transition_changed = getattr(instance, "_transition_changed", set()) | changed


def _field_values(instance) -> dict[str, Any]:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@contextlib.contextmanager
def transitions_saved(instance) -> Iterator[None]:
    """Run transitions inside, then save them with ``transition_save``: their log rows are written by the
    document's UPDATE, in the same statement. A posting step saves a state or two; this halves what that costs.

    Only for this pairing: a transition run inside is always saved on the way out, so its log row cannot be
    kept and then lost by a caller that saves some other way. When the block raises, nothing is saved (the
    caller's transaction is going back anyway)."""
    instance.__dict__[DEFERRED_ATTRIBUTE] = []
    try:
        yield
        transition_save(instance)
    finally:
        instance.__dict__.pop(DEFERRED_ATTRIBUTE, None)
        deferred_events_take(instance)  # not kept for a later save when the block raised


def transition_row_changed(instance) -> None:
    """Have the next ``transition_save`` write every column, as ``save()`` would: for a service that changes more
    of the row than its transitions do and saves it with them, inside ``transitions_saved``."""
    instance._transition_changed = {field.attname for field in instance._meta.concrete_fields if not field.primary_key}


def transition_save(instance) -> None:
    """Save what the transitions run since the last save changed (the state and the fields the transitions
    set), not the whole row, in one UPDATE that still holds django-fsm's concurrency guard: the row is updated
    only where its state is the one read (ConcurrentTransitionMixin), else ConcurrentTransition is raised.
    Inside ``transitions_saved`` the same statement writes the transitions' log rows.

    Written as its own statement because every posting step saves a state: ``save(update_fields=…)`` costs the
    ORM a millisecond of Python for this one UPDATE. No model with transitions has save() logic or save signals."""
    changed = getattr(instance, "_transition_changed", set())
    logs = instance.__dict__.get(DEFERRED_ATTRIBUTE) or []
    # Business events recorded inside transitions_saved ride in the same statement (core.events).
    events = deferred_events_take(instance)
    if not changed and not logs and not events:
        return
    model = type(instance)
    # The version is never written as a value: the UPDATE moves it on itself (core/concurrency.py).
    fields = [field for field in model._meta.concrete_fields if field.attname in changed and field.attname != "version"]
    updated_at = next((field for field in model._meta.concrete_fields if field.name == "updated_at"), None)
    if updated_at is not None and updated_at not in fields:
        fields.append(updated_at)
    state_fields = list(getattr(instance, "state_fields", ()))
    initial = getattr(instance, "_ConcurrentTransitionMixin__initial_states", None)
    guarded = [field for field in state_fields if initial is not None]
    connection = connections[instance._state.db or "default"]
    versioned = is_versioned(model)
    # A caller that said which version it saw (If-Match, a page's form) writes only over that version.
    checked = versioned and version_expected_of(instance)
    if checked:
        version_seen(instance)
    sql = _update_sql(
        model, tuple(field.column for field in fields), tuple(field.column for field in guarded), versioned, checked
    )
    values = [field.get_db_prep_save(field.pre_save(instance, add=False), connection) for field in fields]
    parameters = [*values, instance.pk, *(initial[field.attname] for field in guarded)]
    if checked:
        parameters.append(instance.version)
    if logs:
        sql = _logged_sql(sql, model._meta.pk.column, len(logs), versioned)
        parameters += [value for row in logs for value in row]
        logs.clear()
    if events:
        sql = _with_events_sql(sql, model._meta.pk.column, len(events), versioned)
        parameters += [value for row in events for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        updated = cursor.rowcount
        # The version the UPDATE gave the row comes back with it (RETURNING), not by another read.
        written = cursor.fetchone() if updated and versioned else None
    if not updated and checked:
        raise stale_error(instance)
    if not updated:
        raise ConcurrentTransition("Cannot save object! The state has been changed since fetched from the database!")
    if written is not None:
        versions_written(model, [instance.pk])
        instance.version = written[0]
    if initial is not None:
        instance._update_initial_state()
    instance._transition_changed = set()


@functools.cache
def _logged_sql(update_sql: str, pk_column: str, rows: int, versioned: bool = False) -> str:
    """The UPDATE as a data-modifying CTE, and the log rows inserted for the row it updated: none when the
    concurrency guard updated nothing, so the row count still says whether the save happened."""
    from django_fsm_log.models import StateLog

    quote = connections["default"].ops.quote_name
    values = ", ".join([ROW_VALUES] * rows)
    if versioned:
        # The UPDATE returns the row's new version; the INSERT hands it on (one value per log row, all the same).
        update_sql = update_sql.removesuffix(' RETURNING "version"')
        returned = f"RETURNING {quote(pk_column)} AS id, {quote('version')} AS version"
        handed_on = " RETURNING (SELECT saved.version FROM saved)"
    else:
        returned = f"RETURNING {quote(pk_column)} AS id"
        handed_on = ""
    return (
        f"WITH saved AS ({update_sql} {returned}) "
        f"INSERT INTO {quote(StateLog._meta.db_table)} ({COLUMNS}) "
        "SELECT v.at, v.by_id, v.source, v.target, v.name, v.type_id, saved.id, v.description "
        f"FROM saved, (VALUES {values}) AS v(at, by_id, source, target, name, type_id, description)"
        f"{handed_on}"
    )


@functools.cache
def _with_events_sql(statement: str, pk_column: str, rows: int, versioned: bool = False) -> str:
    """The save (a plain UPDATE, or the UPDATE and its log rows) and the events it raised, in one statement:
    the events are inserted for the row the UPDATE saved, so the row count still says whether it happened. A
    versioned row's new version comes back from the last INSERT, as from the UPDATE alone."""
    quote = connections["default"].ops.quote_name
    handed_on = " RETURNING (SELECT saved.version FROM saved)" if versioned else ""
    if statement.startswith("WITH saved AS ("):
        saved, logged = statement.split(") INSERT INTO ", 1)
        return f"{saved}), logged AS (INSERT INTO {logged}) {events_insert_sql(rows)}{handed_on}"
    if versioned:
        statement = statement.removesuffix(' RETURNING "version"')
        returned = f"RETURNING {quote(pk_column)} AS id, {quote('version')} AS version"
    else:
        returned = f"RETURNING {quote(pk_column)} AS id"
    return f"WITH saved AS ({statement} {returned}) {events_insert_sql(rows)}{handed_on}"


@functools.cache
def _update_sql(
    model, columns: tuple[str, ...], guard_columns: tuple[str, ...], versioned: bool = False, checked: bool = False
) -> str:
    quote = connections["default"].ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    if versioned:
        # Every change of a versioned row moves its version on, in the same statement (core/concurrency.py).
        assignments += f", {quote('version')} = {quote('version')} + 1"
    guards = "".join(f" AND {quote(column)} = %s" for column in guard_columns)
    if checked:
        guards += f" AND {quote('version')} = %s"
    returning = f" RETURNING {quote('version')}" if versioned else ""
    return (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
        f"WHERE {quote(model._meta.pk.column)} = %s{guards}{returning}"
    )


@dataclass(frozen=True)
class Action:
    """One thing a document page offers: a transition or a contributed action (a link or a form)."""

    name: str
    label: str
    url: str
    allowed: bool
    reason: str | None = None
    method: str = "post"
    confirm: str | None = None
    reason_label: str | None = None
    danger: bool = False
    order: int = 50
    secondary: bool = False
    reason_required: bool = False
    template: str = ""  # for method "page": the include that draws the action's own form
    errors: tuple[str, ...] = ()  # what was wrong with the reason the clerk gave
    value: str = ""  # and the reason as typed, to show it again


def transition_actions(instance, *, user, url: Callable[[str], str]) -> list[Action]:
    """The transitions a page offers for this document now: the ones that start from its state and are not
    automatic. A transition that does not start from the current state is not offered at all (its step is
    done or out of reach), so a refusal is shown only for what the user could expect to do now."""
    actions = []
    for name in _state_field(type(instance)).transitions[type(instance)]:
        meta = _meta(instance, name)
        found = meta.get_transition(meta.field.get_state(instance))
        if found is None or found.custom.get("automatic"):
            continue
        failing = first_failing(found.conditions, instance)
        if failing is not None and not failing.shown:
            continue
        reason = failing.reason(instance) if failing else None
        if reason is None and not found.has_perm(instance, user):
            reason = gettext(ROLE_REFUSAL)
        custom = found.custom
        actions.append(
            Action(
                name=name,
                label=str(custom["label"]),
                url=url(name),
                allowed=reason is None,
                reason=reason,
                confirm=str(custom["confirm"]) if custom.get("confirm") else None,
                reason_label=str(custom["reason_label"]) if custom.get("reason_label") else None,
                reason_required=bool(custom.get("reason_required")),
                method="page" if custom.get("template") else "post",
                template=custom.get("template") or "",
                danger=bool(custom.get("confirm")),
                order=custom.get("order", 50),
            )
        )
    return sorted(actions, key=lambda action: action.order)


def transition_label(model, name: str) -> str:
    """A logged transition's name in the user's language (the timeline), from the transition's label."""
    method = getattr(model, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None or not meta.transitions:
        return name.replace("_", " ").capitalize()
    return str(next(iter(meta.transitions.values())).custom.get("label") or name.replace("_", " ").capitalize())


def transition_table(model) -> list[tuple[str, str, str, str | None]]:
    """Every (transition, source, target, permission) of a model's state field, for tests and documentation."""
    rows = []
    for state_field in (f for f in model._meta.fields if isinstance(f, FSMFieldMixin)):
        for name, method in state_field.transitions[model].items():
            for source, found in method._django_fsm.transitions.items():
                rows.append((name, source, found.target, found.permission))
    return sorted(rows)

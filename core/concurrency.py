"""Optimistic concurrency: a ``version`` on every changeable row, and the caller's expectation of it.

Every write of a versioned row adds one to its version, and ``save()`` updates the row only where the version is
still the one read (``UPDATE … WHERE id = %s AND version = %s``), so no save can overwrite a change it did not see,
lock or no lock. An API client (``If-Match``) or a page (a hidden field) that says which version it saw wraps the
service call in ``expected_version``: the service's own reads of that row (its row lock included) and its save
compare the row's version with the expected one and raise ``PreconditionFailed`` when they differ. The comparison
therefore happens inside the service's transaction, after its lock, never in the view beforehand.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin

from core.errors import DomainError, ErrorCode


class PreconditionFailed(DomainError):
    """The row changed since the version the caller saw: reload it and decide again."""

    status = 412


class _Expectation:
    def __init__(self, key: tuple[str, int], version: int):
        self.key = key
        self.version = version
        self.compared = False
        # Once the caller's own write went through, the row is locked by it until commit: nobody else can change it,
        # and later reads see the caller's own change.
        self.settled = False


# What the running request expects of the rows it changes: (model, pk) → version.
_expectations: contextvars.ContextVar[tuple[_Expectation, ...]] = contextvars.ContextVar(
    "expected_versions", default=()
)


def _key(model: type[models.Model], pk) -> tuple[str, int]:
    return (model._meta.concrete_model._meta.label_lower, int(pk))


def stale_error(instance) -> PreconditionFailed:
    return PreconditionFailed(
        code=ErrorCode.VERSION_MISMATCH,
        reason=gettext("%(name)s was changed by someone else since you opened it; reload it and try again.")
        % {"name": str(instance._meta.verbose_name).capitalize()},
    )


def version_seen(instance, version: int | None = None) -> None:
    """Compare a row as read or about to be written with what the caller expects of it, if anything."""
    expectations = _expectations.get()
    if not expectations or instance.pk is None:
        return
    key = _key(type(instance), instance.pk)
    current = instance.__dict__.get("version") if version is None else version
    if current is None:  # deferred: nothing read to compare
        return
    for expectation in expectations:
        if expectation.key == key and not expectation.settled:
            expectation.compared = True
            if current != expectation.version:
                raise stale_error(instance)


def version_expected_of(instance) -> bool:
    """Whether the caller expects a version of this row that its own writes have not yet settled."""
    expectations = _expectations.get()
    if not expectations or instance.pk is None:
        return False
    key = _key(type(instance), instance.pk)
    return any(expectation.key == key and not expectation.settled for expectation in expectations)


def versions_written(model: type[models.Model], pks) -> None:
    """The caller's own write went through on these rows (under its lock, checked before): what the service reads of
    them afterwards is its own change, not someone else's."""
    expectations = _expectations.get()
    if not expectations:
        return
    keys = {_key(model, pk) for pk in pks}
    for expectation in expectations:
        if expectation.key in keys:
            expectation.settled = True


@contextlib.contextmanager
def expected_version(model: type[models.Model], pk, version: int | None) -> Iterator[None]:
    """Within the block, the row ``pk`` of ``model`` must still be at ``version`` (None: no expectation).

    The service run inside compares it where it reads (its lock) or writes the row. Run it inside a transaction:
    when the service neither reads nor writes that row (an action that only creates other rows), the row's version
    is compared on the way out, and a mismatch must take the rest back with it."""
    if version is None:
        yield
        return
    expectation = _Expectation(_key(model, pk), version)
    token = _expectations.set((*_expectations.get(), expectation))
    try:
        yield
    finally:
        _expectations.reset(token)
    if not expectation.compared:
        current = model._base_manager.filter(pk=pk).values_list("version", flat=True).first()
        if current is not None and current != version:
            raise stale_error(model)


@contextlib.contextmanager
def expectations_paused() -> Iterator[None]:
    """Reads that answer the caller after the change (the response's fresh copy) are not comparisons."""
    token = _expectations.set(())
    try:
        yield
    finally:
        _expectations.reset(token)


class VersionedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # A set-based change is a change too: every row it touches moves its version on.
        kwargs.setdefault("version", models.F("version") + 1)
        return super().update(**kwargs)

    update.alters_data = True
    update.queryset_only = False


class Versioned(models.Model):
    """A row whose every change adds one to ``version`` (the API's ETag, a page's hidden field)."""

    # db_default too: rows written by plain SQL (imports, database tests) start at 1 like the rest.
    version = models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None and "version" not in update_fields:
            update_fields = [*update_fields, "version"]
        super().save(*args, update_fields=update_fields, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        version_seen(instance)
        return instance

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # The compare-and-swap: the row is written only where its version is still the one this instance read.
        if not any(field.attname == "version" for field, _model, _value in values):
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        read = self.version
        version_seen(self, read)
        values = [(field, model, read + 1 if field.attname == "version" else value) for field, model, value in values]
        if super()._do_update(base_qs.filter(version=read), using, pk_val, values, update_fields, forced_update):
            self.version = read + 1
            versions_written(type(self), [pk_val])
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise stale_error(self)
        return False


def is_versioned(model: type[models.Model]) -> bool:
    return any(field.attname == "version" for field in model._meta.concrete_fields) and issubclass(model, Versioned)


class ConcurrentStates(ConcurrentTransitionMixin):
    """django-fsm's ConcurrentTransitionMixin (a state save refused when the row's state moved on since it was
    read), with the state fields of a model looked up once per class: the mixin's own property scans every field
    of the model for every instance made, which a page of fifty documents repeats two thousand times."""

    @property
    def state_fields(self):
        return _state_fields(type(self))


@functools.cache
def _state_fields(model: type[models.Model]) -> tuple:
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))

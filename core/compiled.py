"""Querysets compiled to SQL once per process and run many times with new values.

Turning a queryset into SQL costs the ORM about half a millisecond of Python, more than PostgreSQL needs to
answer a primary-key look-up. The reads every posting makes (lock the order, its lines, the invoice …) are the
same statement each time with another id, so they are compiled once and then run as that SQL, with the rows
made into model instances exactly as a queryset would (select_related included). Only the marked values change
between runs; everything else in the queryset (filters on constants, ordering, FOR UPDATE) is fixed.

    _order_locked = CompiledQuery(lambda order_id: SalesOrder.objects.select_for_update().filter(pk=order_id))
    order = _order_locked.one(order_id)

Values of a run are ids and other integers, passed to the cursor as they are; whatever the build reads when it
is compiled (the date, settings) stays as it was then. Django has no public prepared-query API; this leans on the
same compiler attributes its own ModelIterable uses (``select``, ``klass_info``, ``col_count``), which is why it
stays small and is used only on hot paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.transaction import TransactionManagementError

# Stand-ins for the values of a run while the queryset is compiled: integers inside every integer column's range
# from 32 bits up (Django folds a lookup whose value lies outside its column's range), and unlikely to be one of
# the queryset's own constants. The values of a run are ids and other integers of such columns.
_MARKERS = tuple(2_147_483_000 + k for k in range(8))
_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    value_positions: tuple[tuple[int, int], ...]  # (position in params, index of the run's value)
    locks: bool
    model: type[Model] | None
    init_list: tuple[str, ...]
    fields_slice: slice
    related_populators: list
    converters: tuple


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet]):
        """``build`` takes one argument per value of a run and returns the queryset."""
        self._build = build
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, using: str) -> _Compiled:
        arity = self._build.__code__.co_argcount
        queryset = self._build(*_MARKERS[:arity])
        # What the rows are made into below is what ModelIterable and a plain values_list() make; a queryset that
        # needs more (annotations on instances, prefetching, values() dicts, flat lists) is refused, not half run.
        unsupported = [
            name
            for name, used in (
                ("annotations", bool(queryset.query.annotation_select)),
                ("prefetch_related", bool(queryset._prefetch_related_lookups)),
                ("known related objects", bool(queryset._known_related_objects)),
                (
                    "values() or flat values_list()",
                    queryset._iterable_class not in (ModelIterable, ValuesListIterable),
                ),
            )
            if used
        ]
        if unsupported:
            raise ValueError(f"A compiled query cannot use {', '.join(unsupported)}.")
        compiler = queryset.query.get_compiler(using=using)
        # A FOR UPDATE query compiles only inside a transaction; the check is repeated on every run below.
        locks = queryset.query.select_for_update
        sql, params = compiler.as_sql()
        positions = tuple((i, _MARKERS.index(p)) for i, p in enumerate(params) if isinstance(p, int) and p in _MARKERS)
        if len({index for _, index in positions}) != arity:
            raise ValueError("Every value of a compiled query must appear as a plain parameter of its SQL.")
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        # Converters are called with the connection of each run (a thread has its own).
        converters = tuple(compiler.get_converters(fields).items())
        klass_info = compiler.klass_info
        if klass_info is None or queryset._iterable_class is ValuesListIterable:  # values_list(): plain rows
            return _Compiled(sql, tuple(params), positions, locks, None, (), slice(0), [], converters)
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            sql=sql,
            params=tuple(params),
            value_positions=positions,
            locks=locks,
            model=klass_info["model"],
            init_list=tuple(f[0].target.attname for f in compiler.select[start:end]),
            fields_slice=slice(start, end),
            related_populators=get_related_populators(klass_info, compiler.select, using),
            converters=converters,
        )

    def rows(self, *values, using: str = DEFAULT_DB_ALIAS) -> list[list]:
        compiled = self._compiled.get(using)
        connection = connections[using]
        if compiled is not None and compiled.locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        if any(isinstance(value, int) and not _BIGINT_MIN <= value <= _BIGINT_MAX for value in values):
            # No column of ours holds such a number (an id typed into a URL): the ORM folds such a look-up into
            # "no rows" without asking PostgreSQL, and so does this.
            return []
        params = list(compiled.params)
        for position, index in compiled.value_positions:
            params[position] = values[index]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for position, (convs, expression) in compiled.converters:
            for row in rows:
                value = row[position]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[position] = value
        return rows

    def all(self, *values, using: str = DEFAULT_DB_ALIAS) -> list[Model]:
        rows = self.rows(*values, using=using)
        compiled = self._compiled[using]
        if compiled.model is None:
            raise TypeError("A values_list() query gives rows: call rows(), not all() or one().")
        made = []
        for row in rows:
            obj = compiled.model.from_db(using, compiled.init_list, row[compiled.fields_slice])
            for populator in compiled.related_populators:
                populator.populate(row, obj)
            made.append(obj)
        return made

    def one(self, *values, using: str = DEFAULT_DB_ALIAS) -> Model:
        """The single row, or the model's DoesNotExist as ``queryset.get()`` raises it."""
        found = self.all(*values, using=using)
        if not found:
            model = self._compiled[using].model
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        if len(found) > 1:
            raise self._compiled[using].model.MultipleObjectsReturned("More than one row matched.")
        return found[0]


def prefetched(instance: Model, name: str, rows: list[Model]) -> Model:
    """Give ``instance`` the rows of its reverse foreign key ``name`` (read with a compiled query) as
    ``prefetch_related(name)`` does: ``instance.<name>.all()`` answers from them without a query, a further filter
    on it queries as usual, and each row knows ``instance`` as its parent. Returns ``instance``."""
    manager = getattr(instance, name)
    field = manager.field
    for row in rows:
        field.set_cached_value(row, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[field.remote_field.cache_name] = queryset
    return instance

"""Text search that stays index-backed on large tables (pg_trgm, enabled by core's migration 0003).

Django's ``icontains`` / ``istartswith`` on PostgreSQL compare ``UPPER(column::text) LIKE UPPER(%s)``; a GIN trigram
index on exactly ``UPPER(column)`` answers both (``trigram_index``). A search across a join (orders by their
customer's name) cannot use the other table's index through an OR, so each part is asked of its own table and the
ids are matched with ``id_in``, which PostgreSQL combines with the other indexed conditions in one bitmap."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import BooleanField, F, Func, Q, QuerySet, Subquery
from django.db.models.functions import Upper


def trigram_index(field: str, *, name: str) -> GinIndex:
    """A GIN trigram index on ``UPPER(field)``: what ``field__icontains`` and ``field__istartswith`` filter on."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


class _AnyOfArray(Func):
    # "column = ANY(ARRAY(SELECT …))": the subquery runs once, and the comparison is an index condition on
    # ``column`` that can sit in a BitmapOr beside the other arms of a search (an IN (subquery) inside an OR
    # cannot).
    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True


def id_in(field: str, queryset: QuerySet, *, column: str = "pk") -> Q:
    """``field`` is one of the ``column`` values (primary keys unless told) of ``queryset``, a search on another
    table, as a filter condition."""
    return Q(_AnyOfArray(F(field), Subquery(queryset.order_by().values(column))))


def contains_any(text: str, *fields: str) -> Q:
    """Any of ``fields`` contains ``text``, ignoring case."""
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__icontains": text})
    return found

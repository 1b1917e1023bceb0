"""Set-based writes the ORM has no cheap form for."""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection, models

from core.concurrency import is_versioned, versions_written


def column_update(model: type[models.Model], field_name: str, values: dict[int, Any]) -> int:
    """Set one column of many rows, each to its own value, in one statement (``UPDATE … FROM unnest``).

    The quantity bookkeeping of posting writes this way: Django's ``bulk_update`` sends one statement too, but
    builds a CASE expression per row in Python first. Returns the number of rows updated."""
    return columns_update(model, (field_name,), {pk: (value,) for pk, value in values.items()})


def columns_update(model: type[models.Model], field_names: tuple[str, ...], values: dict[int, tuple]) -> int:
    """``column_update`` for several columns at once: ``values`` maps each row id to its values, in the order of
    ``field_names``."""
    if not values:
        return 0
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    names = [f"v{index}" for index in range(len(fields))]
    versioned = is_versioned(model)
    # A versioned row's version moves on with every change, set-based ones included (core/concurrency.py).
    version = f", {quote('version')} = t.{quote('version')} + 1" if versioned else ""
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET "
        + ", ".join(f"{quote(field.column)} = v.{name}" for field, name in zip(fields, names, strict=True))
        + version
        + " FROM unnest(%s::bigint[], "
        + ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
        + f") AS v(id, {', '.join(names)}) WHERE t.{quote(meta.pk.column)} = v.id"
    )
    columns = [
        [field.get_db_prep_save(row[index], connection=connection) for row in values.values()]
        for index, field in enumerate(fields)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(values), *columns])
        updated = cursor.rowcount
    if versioned:
        versions_written(model, list(values))
    return updated


def rows_insert(rows: list[models.Model]) -> list[models.Model]:
    """Insert new rows of one model in one statement (``INSERT … SELECT FROM unnest … RETURNING id``) and give
    them their ids, as ``bulk_create`` does on PostgreSQL.

    The documents every posting writes go in this way: ``bulk_create`` and ``save()`` build the same statement
    through the query compiler each time, which costs more Python than PostgreSQL needs to run it. Values are
    prepared by each field exactly as the compiler would (``pre_save`` fills the time stamps); no model written
    so has save() logic or save signals."""
    if not rows:
        return rows
    model = type(rows[0])
    fields = _insert_fields(model)
    values = [[field.get_db_prep_save(field.pre_save(row, add=True), connection) for row in rows] for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model), values)
        ids = [found[0] for found in cursor.fetchall()]
    for row, pk in zip(rows, ids, strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = connection.alias
    return rows


@functools.cache
def _insert_fields(model: type[models.Model]) -> tuple:
    return tuple(field for field in model._meta.concrete_fields if not field.primary_key)


@functools.cache
def _insert_sql(model: type[models.Model]) -> str:
    quote = connection.ops.quote_name
    fields = _insert_fields(model)
    columns = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) SELECT * FROM unnest({arrays}) "
        f"RETURNING {quote(model._meta.pk.column)}"
    )

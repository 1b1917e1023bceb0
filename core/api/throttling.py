"""API throttling per user (each token belongs to one user): a fixed window counted in PostgreSQL, so all web
processes (gunicorn workers, several hosts) share one figure. DRF's own throttles keep their history in the cache,
which by default is each process's memory: with four workers a client would get four times its rate.

The count costs one statement per authenticated API request: an UPSERT on an unlogged table that returns the
count. Over the limit the request is refused before any work with 429 and ``Retry-After`` (the seconds until the
window ends), answered as problem+json by core.api.problems."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from rest_framework.throttling import BaseThrottle

from core.models import RateCounter

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

_table = RateCounter._meta.db_table
COUNT_SQL = f"""
    INSERT INTO {_table} (key, window_start, hits) VALUES (%(key)s, %(window)s, 1)
    ON CONFLICT (key) DO UPDATE
       SET hits = CASE WHEN {_table}.window_start = EXCLUDED.window_start THEN {_table}.hits + 1 ELSE 1 END,
           window_start = EXCLUDED.window_start
    RETURNING hits
"""


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/minute" → (600, 60): requests allowed per window of that many seconds."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip()[0]]
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(
            f"SALESFLOW_API_THROTTLE_RATE={rate!r}: write requests per second, minute, hour or day, e.g. 600/minute."
        ) from None


class UserRateThrottle(BaseThrottle):
    """``SALESFLOW_API_THROTTLE_RATE`` requests per window for each user; empty: not throttled. Read at each
    request, so a deployment (or a test) can change it without new view classes."""

    def allow_request(self, request, view) -> bool:
        rate = settings.SALESFLOW_API_THROTTLE_RATE
        # Anonymous requests never get this far with data: every API view asks for a token or a session first.
        if not rate or not request.user.is_authenticated:
            return True
        allowed, seconds = parse_rate(rate)
        now = time.time()
        window = int(now // seconds) * seconds
        with connection.cursor() as cursor:
            cursor.execute(COUNT_SQL, {"key": f"user:{request.user.pk}", "window": window})
            (hits,) = cursor.fetchone()
        self.retry_after = window + seconds - now
        return hits <= allowed

    def wait(self) -> float:
        return self.retry_after

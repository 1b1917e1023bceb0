"""API throttling per user (each token belongs to one user): a fixed window counted in PostgreSQL, so all web
processes (gunicorn workers, several hosts) share one figure. DRF's own throttles keep their history in the cache,
which by default is each process's memory: with four workers a client would get four times its rate.

The count is an UPSERT on an unlogged table that returns the count. A token request pays no statement for it: the
token look-up every such request makes counts in the same statement (``CountingTokenAuthentication``). A request
signed in with a session pays one statement. Over the limit the request is refused before any work with 429 and
``Retry-After`` (the seconds until the window ends), answered as problem+json by core.api.problems."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
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


_token_table = Token._meta.db_table
_user_table = get_user_model()._meta.db_table
TOKEN_AND_COUNT_SQL = f"""
    WITH token AS (SELECT key, user_id, created FROM {_token_table} WHERE key = %(token)s),
    counted AS (
        INSERT INTO {_table} (key, window_start, hits)
        SELECT 'user:' || user_id, %(window)s, 1 FROM token
        ON CONFLICT (key) DO UPDATE
           SET hits = CASE WHEN {_table}.window_start = EXCLUDED.window_start THEN {_table}.hits + 1 ELSE 1 END,
               window_start = EXCLUDED.window_start
        RETURNING hits
    )
    SELECT u.*, token.created AS token_created, (SELECT hits FROM counted) AS counted_hits
      FROM {_user_table} u JOIN token ON token.user_id = u.id
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


def current_window(seconds: int) -> tuple[int, float]:
    now = time.time()
    return int(now // seconds) * seconds, now


class CountingTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, whose one look-up also counts the request for the throttle."""

    def authenticate_credentials(self, key):
        rate = settings.SALESFLOW_API_THROTTLE_RATE
        if not rate:
            return super().authenticate_credentials(key)
        _, seconds = parse_rate(rate)
        window, _ = current_window(seconds)
        found = list(get_user_model().objects.raw(TOKEN_AND_COUNT_SQL, {"token": key, "window": window}))
        if not found or not found[0].is_active:
            # refused, with DRF's own reason (one more look-up, for a wrong token only)
            return super().authenticate_credentials(key)
        user = found[0]
        user.counted_in = (seconds, window, user.counted_hits)
        return user, Token(key=key, user=user, created=user.token_created)


class UserRateThrottle(BaseThrottle):
    """``SALESFLOW_API_THROTTLE_RATE`` requests per window for each user; empty: not throttled. Read at each
    request, so a deployment (or a test) can change it without new view classes."""

    def allow_request(self, request, view) -> bool:
        rate = settings.SALESFLOW_API_THROTTLE_RATE
        # Anonymous requests never get this far with data: every API view asks for a token or a session first.
        if not rate or not request.user.is_authenticated:
            return True
        allowed, seconds = parse_rate(rate)
        window, now = current_window(seconds)
        counted = getattr(request.user, "counted_in", None)
        if counted and counted[:2] == (seconds, window):
            hits = counted[2]
        else:
            with connection.cursor() as cursor:
                cursor.execute(COUNT_SQL, {"key": f"user:{request.user.pk}", "window": window})
                (hits,) = cursor.fetchone()
        self.retry_after = window + seconds - now
        return hits <= allowed

    def wait(self) -> float:
        return self.retry_after

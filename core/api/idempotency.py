"""``Idempotency-Key`` on every POST under /api/: a retried request does its work once.

The key row is written with the response in the same transaction as the service's work. A request killed before
its commit leaves neither the work nor the key, so its retry does the work; a request that committed left its
key, so its retry gets the stored answer back (``Idempotent-Replayed: true``) and no service runs again.

Only answers of requests that did their work (2xx) are stored. An error answer rolls the transaction back and
stores nothing: nothing was done, so a retry with the same key tries again. Keys expire after
``IDEMPOTENCY_KEY_TTL``; an expired key is treated as new and the daily prune removes them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from core.errors import DomainError, ErrorCode, ValidationFailed
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255
# The answer headers a client may act on; everything else is recomputed on replay.
STORED_HEADERS = ("Location", "ETag")
KEY_IN_USE = ErrorCode.IDEMPOTENCY_KEY_IN_USE
KEY_REUSED = ErrorCode.IDEMPOTENCY_KEY_REUSED


class IdempotencyKeyInUse(DomainError):
    """A request with this key is still running; the client should retry later."""

    status = 409


class IdempotencyKeyReused(DomainError):
    """The key was used for another request (another body, method or path)."""

    status = 422


class _Replay(Exception):
    def __init__(self, stored: IdempotencyKey):
        super().__init__(stored.key)
        self.stored = stored


@dataclass
class _Pending:
    key: str
    body_sha256: str
    replayed: bool = False


def _lock_id(user_id: int, key: str) -> int:
    """A signed 64-bit number for pg_try_advisory_xact_lock, one per (user, key)."""
    digest = hashlib.sha256(f"idempotency:{user_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _validate_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationFailed(
            field_errors={
                HEADER: gettext("Give 1 to %(max)s printable ASCII characters, e.g. a UUID.") % {"max": MAX_KEY_LENGTH}
            }
        )


def idempotency_keys_prune(*, now=None) -> int:
    """Remove expired keys; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=(now or timezone.now()) - IDEMPOTENCY_KEY_TTL).delete()
    return deleted


class IdempotentPost:
    """Mixed into every API view that answers POST (``ServiceViewSet`` and the plain API views).

    A POST with the header runs in one transaction; the key is claimed with a non-blocking advisory lock after
    authentication, so a duplicate sent while the first still runs is answered 409 at once instead of waiting."""

    _idempotency: _Pending | None = None

    def dispatch(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return super().dispatch(request, *args, **kwargs)
        self._idempotency = _Pending(key=key.strip(), body_sha256=hashlib.sha256(request.body).hexdigest())
        self._transaction = None
        try:
            response = super().dispatch(request, *args, **kwargs)
        except BaseException as error:
            if self._transaction is not None:
                self._transaction.__exit__(type(error), error, error.__traceback__)
            raise
        if self._transaction is not None:
            if self._idempotency.replayed or not 200 <= response.status_code < 300:
                # An error leaves the database as it was, and a replay did nothing to keep.
                transaction.set_rollback(True)
            self._transaction.__exit__(None, None, None)
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self._idempotency is not None:
            # The transaction starts after authentication and the throttle's count, which commit on their own:
            # held until this request ends, the count would make the user's other requests wait for it.
            self._transaction = transaction.atomic()
            self._transaction.__enter__()
            self._claim_key(request)

    def _claim_key(self, request) -> None:
        pending = self._idempotency
        _validate_key(pending.key)
        user = request.user
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_id(user.pk, pending.key)])
            (locked,) = cursor.fetchone()
        if not locked:
            raise IdempotencyKeyInUse(
                code=KEY_IN_USE,
                reason=gettext("A request with this Idempotency-Key is still being processed; retry later."),
                field=HEADER,
            )
        # A fresh statement after the lock: it sees the key of a request that committed while we waited.
        stored = IdempotencyKey.objects.filter(user=user, key=pending.key).first()
        if stored is not None and stored.created_at < timezone.now() - IDEMPOTENCY_KEY_TTL:
            stored.delete()
            stored = None
        if stored is None:
            return
        if (stored.method, stored.path, stored.body_sha256) != (request.method, request.path, pending.body_sha256):
            raise IdempotencyKeyReused(
                code=KEY_REUSED,
                reason=gettext(
                    "This Idempotency-Key was already used for another request (%(method)s %(path)s or another "
                    "body); use a new key for a new request."
                )
                % {"method": stored.method, "path": stored.path},
                field=HEADER,
            )
        raise _Replay(stored)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            self._idempotency.replayed = True
            stored = exc.stored
            response = Response(stored.response_body, status=stored.response_status)
            for name, value in stored.response_headers.items():
                response[name] = value
            response[REPLAYED_HEADER] = "true"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        pending = self._idempotency
        if pending is not None and not pending.replayed and 200 <= response.status_code < 300:
            body = getattr(response, "data", None)
            IdempotencyKey.objects.create(
                key=pending.key,
                user=request.user,
                method=request.method,
                path=request.path,
                body_sha256=pending.body_sha256,
                response_status=response.status_code,
                response_body=json.loads(json.dumps(body, cls=JSONEncoder)) if body is not None else None,
                response_headers={name: response[name] for name in STORED_HEADERS if name in response},
            )
        return response


def idempotency_schema_hook(result, generator, request, public):
    """Every POST operation documents the optional header and the two refusals it can bring."""
    parameter = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
        "description": str(
            _(
                "Any unique string (e.g. a UUID), at most 255 characters. A retry with the same key and body "
                "within 24 hours returns the first answer again (header Idempotent-Replayed: true) without "
                "doing the work twice; only successful answers are kept."
            )
        ),
    }
    refusals = {
        "409": _("Refused in the document's current state, or a request with this Idempotency-Key is still running."),
        "422": _("This Idempotency-Key was already used for another request."),
    }
    problem = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        operation = operations.get("post")
        if operation is None:
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == HEADER for p in parameters):
            parameters.append(parameter)
        for code, description in refusals.items():
            operation["responses"].setdefault(
                code, {"description": str(description), "content": {"application/problem+json": {"schema": problem}}}
            )
    return result

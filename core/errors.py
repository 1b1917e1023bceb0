"""Domain errors: every refusal carries a machine code and a human reason (DESIGN.md §2.7)."""

from __future__ import annotations

from django.db import models


class ErrorCode(models.TextChoices):
    """The codes of refusals that belong to no app; each app lists its own in ``<app>/errors.py``."""

    INVALID = "invalid"
    NUMBER_SERIES_MISSING = "number-series-missing"
    PERMISSION_DENIED = "permission-denied"
    TRANSITION_REFUSED = "transition-refused"
    UNKNOWN_FIELD = "unknown-field"
    INVALID_DATA = "invalid-data"
    JOB_NOT_FAILED = "job-not-failed"
    USER_INACTIVE = "user-inactive"
    VERSION_MISMATCH = "version-mismatch"
    IDEMPOTENCY_KEY_IN_USE = "idempotency-key-in-use"
    IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused"
    EXTERNAL_REFERENCE_TAKEN = "external-reference-taken"


class DomainError(Exception):
    status = 400

    def __init__(self, *, code: str, reason: str, field: str | None = None):
        super().__init__(reason)
        self.code = code
        self.reason = str(reason)
        self.field = field

    @property
    def errors(self) -> list[dict[str, str]]:
        return [{"field": self.field, "message": self.reason}] if self.field else []


class TransitionRefused(DomainError):
    """A state change that is not allowed now; the reason says why and what to do instead."""

    status = 409


class ValidationFailed(DomainError):
    """Input that breaks a rule; ``field_errors`` names every offending field."""

    status = 400

    def __init__(self, *, code: str = ErrorCode.INVALID, reason: str = "", field_errors: dict[str, str] | None = None):
        field_errors = field_errors or {}
        if not reason:
            reason = "; ".join(f"{field}: {message}" for field, message in field_errors.items())
        super().__init__(code=code, reason=reason)
        self.field_errors = {field: str(message) for field, message in field_errors.items()}

    @property
    def errors(self) -> list[dict[str, str]]:
        return [{"field": field, "message": message} for field, message in self.field_errors.items()]


class ActionForbidden(DomainError):
    """The user lacks the permission the action needs."""

    status = 403

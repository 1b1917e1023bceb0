"""Every API error as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import DomainError, ErrorCode

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"


def problem_response(*, status_code: int, code: str, title: str, detail: str, errors=None, instance=None):
    body = {
        "type": f"{PROBLEM_BASE}{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _flatten(detail, prefix="") -> list[dict[str, str]]:
    """DRF's nested error dicts/lists → [{"field": "lines[0].quantity", "message": ...}]."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = key if not prefix else f"{prefix}.{key}"
            if key == "non_field_errors":
                name = prefix or None
            out.extend(_flatten(value, name))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [{"field": prefix or None, "message": str(item)} for item in detail]
        out = []
        for index, item in enumerate(detail):
            if item:
                out.extend(_flatten(item, f"{prefix}[{index}]"))
        return out
    return [{"field": prefix or None, "message": str(detail)}]


def _title_of(exc: DomainError) -> str:
    # RFC 9457 wants a short human-readable title: ActionForbidden → "Action forbidden".
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).capitalize()


def problem_exception_handler(exc, context):
    instance = context["request"].path if context.get("request") else None
    if isinstance(exc, DomainError):
        return problem_response(
            status_code=exc.status,
            code=exc.code,
            title=_title_of(exc),
            detail=exc.reason,
            errors=exc.errors or None,
            instance=instance,
        )
    if isinstance(exc, DjangoValidationError):
        errors = _flatten(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        return problem_response(
            status_code=400,
            code=ErrorCode.INVALID,
            title="Validation failed",
            detail="; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors),
            errors=errors,
            instance=instance,
        )
    if isinstance(exc, (DataError, IntegrityError)):
        # What validation did not catch and the database refused (a number too large for its column, a
        # constraint): the transaction has rolled back; the client gets a 400, never a 500 with SQL in it.
        return problem_response(
            status_code=400,
            code=ErrorCode.INVALID_DATA,
            title="Invalid data",
            detail=gettext("The database refused a value that is out of range or breaks a rule; nothing was saved."),
            instance=instance,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors)
        code, title = "invalid", "Validation failed"
    else:
        errors = None
        detail = str(exc.detail) if hasattr(exc, "detail") else str(exc)
        # DRF names its codes in snake case; every problem type here is kebab case (/problems/permission-denied).
        code = str(getattr(exc, "default_code", "error")).replace("_", "-")
        # A title names the kind of problem; DRF's default details carry placeholders such as "{method}".
        title = code.replace("-", " ").capitalize()
    problem = problem_response(
        status_code=response.status_code,
        code=code,
        title=title,
        detail=detail,
        errors=errors,
        instance=instance,
    )
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem


__all__ = ["problem_exception_handler", "problem_response", "PROBLEM_CONTENT_TYPE", "status"]


def not_found_view(request, exception=None):
    """404 for URLs no route matches: problem+json under /api/, the normal page elsewhere."""
    import json

    from django.http import HttpResponse
    from django.views.defaults import page_not_found

    if not request.path.startswith("/api/"):
        return page_not_found(request, exception)
    body = {
        "type": f"{PROBLEM_BASE}not-found",
        "title": "Not found",
        "status": 404,
        "detail": f"No API resource at {request.path}.",
        "code": "not-found",
        "instance": request.path,
    }
    return HttpResponse(json.dumps(body), status=404, content_type=PROBLEM_CONTENT_TYPE)

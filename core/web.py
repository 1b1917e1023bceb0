"""Small helpers HTML views share: they adapt service results to pages, they hold no rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.paginator import Paginator

from core.errors import DomainError, ValidationFailed

T = TypeVar("T")
PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of a list; an out-of-range page number shows the last page instead of an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def run_action(request, action: Callable[[], T], *, success: str) -> T | None:
    """Run a service for a POST; show its refusal reason as an error message, or ``success``."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.reason)
        return None
    messages.success(request, success)
    return result


def form_add_domain_error(form, exc: DomainError) -> None:
    """Put a service's refusal on the form fields it names (unknown fields go to the form itself)."""
    if isinstance(exc, ValidationFailed) and exc.field_errors:
        for field, message in exc.field_errors.items():
            form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.reason)


def form_save(request, form):
    """Save a valid bound form through its service (``form.save(by=...)``); on a refusal put the reason
    on the fields it names and return None, so the page shows the form again with what was typed."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return form.save(by=request.user)
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return None

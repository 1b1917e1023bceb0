"""Small helpers HTML views share: they adapt service results to pages, they hold no rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.utils.translation import gettext

from core.errors import DomainError, ValidationFailed

T = TypeVar("T")
PAGE_SIZE = 25


def permission(*perms: str):
    """Every page's door: anonymous visitors go to the login page; signed-in users without every one of
    ``perms`` get a 403."""

    def decorator(view):
        return login_required(permission_required(perms, raise_exception=True)(view))

    return decorator


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of a list; an out-of-range page number shows the last page instead of an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_pk(request, name: str) -> str | None:
    """A primary key passed in the query string (``?order=12``), or None when it is missing or not a number."""
    value = request.GET.get(name, "")
    return value if value.isdigit() else None


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


def status_steps(current, path: Sequence) -> list[dict]:
    """The status bar of a document page: the states of ``path`` before ``current`` done, ``current`` marked.

    ``path`` is the usual road (open → confirmed → …), or the short road a document took to a side exit
    (e.g. [canceled])."""
    reached = list(path).index(current)
    return [
        {"label": step.label, "css": "current" if index == reached else "done" if index < reached else ""}
        for index, step in enumerate(path)
    ]


def actions_allowed(
    actions: Iterable[tuple[str, str, Sequence[str]]],
    *,
    user,
    refusal: Callable[[str], str | None],
    explain: bool = True,
) -> tuple[dict[str, bool], list[tuple[str, str]]]:
    """Which of a page's ``(action, label, permissions)`` the user may run now, and for the others why not.

    ``refusal(action)`` is the document's own reason (its ``refusal_reason``); a missing permission is the
    other. ``explain=False`` leaves the reasons out, for documents whose road is over."""
    allowed, refusals = {}, []
    for action, label, perms in actions:
        reason = refusal(action)
        if reason is None and not user.has_perms(perms):
            reason = gettext("Your role does not allow this action.")
        allowed[action] = reason is None
        if reason and explain:
            refusals.append((label, reason))
    return allowed, refusals

"""Small helpers HTML views share: they adapt service results to pages, they hold no rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django_fsm import FSMFieldMixin

from core import extensions
from core.concurrency import PreconditionFailed
from core.errors import DomainError, ValidationFailed
from core.transitions import ROLE_REFUSAL, Action, first_failing, transition_actions
from core.web_versions import version_conflict_show, version_expected

T = TypeVar("T")
PAGE_SIZE = 25


PAGES_PERMISSION = "core.use_pages"


def _people_only(view):
    # Checked through the user's permissions, which permission_required reads next from the same cache.
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(PAGES_PERMISSION):
            raise PermissionDenied(gettext("This is an API account: use the REST API under /api/v1/ with its token."))
        return view(request, *args, **kwargs)

    return wrapped


def permission(*perms: str):
    """Every page's door: anonymous visitors go to the login page; API accounts and signed-in users without
    every one of ``perms`` get a 403."""

    def decorator(view):
        return login_required(_people_only(permission_required(perms, raise_exception=True)(view)))

    return decorator


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of a list; an out-of-range page number shows the last page instead of an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# Rows a panel of a page shows (open invoices of a customer, activities of a document …); the rest is one link away.
PANEL_ROWS = 10


@dataclass(frozen=True)
class PanelRows:
    """The first rows of a panel, whether there are more, and the list that shows them all. Iterates like a list,
    so a template's ``{% for %}…{% empty %}`` reads it as before."""

    rows: list
    more: bool
    url: str = ""

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)


def list_url(name: str, **filters) -> str:
    """The URL of the list page ``name`` filtered as ``filters`` say (a panel's or a figure's "show all")."""
    return f"{reverse(name)}?{urlencode(filters)}" if filters else reverse(name)


def panel_rows(queryset, *, url: str = "", limit: int = PANEL_ROWS) -> PanelRows:
    """At most ``limit`` rows of ``queryset`` in one query (one more is read to know whether others exist)."""
    rows = list(queryset[: limit + 1])
    return PanelRows(rows=rows[:limit], more=len(rows) > limit, url=url)


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
    instance = getattr(form, "instance", None)
    try:
        with version_expected(form, instance):
            return form.save(by=request.user)
    except PreconditionFailed as exc:
        version_conflict_show(form, exc, instance)
        return None
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return None


def form_action(request, form, action: Callable[[], T], *, success: Callable[[T], str], done_url: str):
    """Run a service for a valid bound form. Refused with field errors: they go on the form and None is returned,
    so the page shows the form again with what was typed. Refused otherwise (a transition): the reason is shown
    and the browser goes to ``done_url``, as it does with ``success(result)`` when the service ran."""
    try:
        result = action()
    except ValidationFailed as exc:
        form_add_domain_error(form, exc)
        return None
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect(done_url)
    messages.success(request, success(result))
    return redirect(done_url)


def status_steps(current, path: Sequence) -> list[dict]:
    """The status bar of a document page: the states of ``path`` before ``current`` done, ``current`` marked.

    ``path`` is the usual road (open → confirmed → …), or the short road a document took to a side exit
    (e.g. [canceled])."""
    reached = list(path).index(current)
    return [
        {"label": step.label, "css": "current" if index == reached else "done" if index < reached else ""}
        for index, step in enumerate(path)
    ]


@dataclass(frozen=True)
class PageActions:
    """What a document page offers now: its transitions and the actions apps register for it, in order.

    ``allowed`` (name → bool) lets a template place a special form; ``refusals`` lists, for the actions the user
    could expect to take now, why they are not possible (DESIGN.md §2.7)."""

    buttons: list[Action]

    @property
    def allowed(self) -> dict[str, bool]:
        return {button.name: button.allowed for button in self.buttons}

    @property
    def refusals(self) -> list[tuple[str, str]]:
        return [(button.label, button.reason) for button in self.buttons if not button.allowed]

    def with_reason_errors(self, name: str, form) -> PageActions:
        """The same actions, with what was wrong with the reason given for ``name`` shown beside its input."""
        return PageActions(
            buttons=[
                replace(button, errors=tuple(form.errors.get("reason", [])), value=form.data.get("reason", ""))
                if button.name == name
                else button
                for button in self.buttons
            ]
        )


def page_actions(instance, *, user, url: Callable[[str], str]) -> PageActions:
    """The actions of a document page, derived from the document's transitions (``url(name)`` is where each
    posts) and from the actions registered for its model in ``core.extensions``."""
    buttons = transition_actions(instance, user=user, url=url) if _has_transitions(instance) else []
    for action in extensions.document_actions_for(instance._meta.label_lower):
        if action.permitted_only and not user.has_perms(action.permissions):
            continue
        failing = first_failing(action.rules, instance)
        if failing is not None and not failing.shown:
            continue
        reason = failing.reason(instance) if failing else None
        if reason is None and not user.has_perms(action.permissions):
            reason = gettext(ROLE_REFUSAL)
        buttons.append(
            Action(
                name=action.name,
                label=str(action.label),
                url=action.url(instance),
                allowed=reason is None,
                reason=reason,
                method=action.method,
                confirm=str(action.confirm) if action.confirm else None,
                order=action.order,
                secondary=action.secondary,
                template=action.template,
                reason_label=str(action.reason_label) if action.reason_label else None,
                reason_required=action.reason_required,
            )
        )
    return PageActions(buttons=sorted(buttons, key=lambda button: button.order))


def _has_transitions(instance) -> bool:
    return any(isinstance(field, FSMFieldMixin) for field in instance._meta.fields)


def page_panels(instance, *, user) -> list[dict]:
    """The panels later apps add to this document's page (core.extensions), for ``includes/panels.html``."""
    return [
        {"name": panel.name, "template": panel.template, **panel.context(instance, user)}
        for panel in extensions.page_panels_for(instance._meta.label_lower)
        if not panel.permission or user.has_perm(panel.permission)
    ]

"""The one way services fire a state transition (DESIGN.md §2.5, STYLE.md)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext
from django_fsm import TransitionNotAllowed

from core.errors import ActionForbidden, ErrorCode, TransitionRefused


def transition_run(
    transition: Callable,
    *,
    by,
    refusal: Callable[[], str] | None = None,
    code: str,
    check_permission: bool = True,
    **kwargs,
) -> None:
    """Check the transition may run now and that ``by`` may run it, then run it (not saved).

    ``refusal`` explains, in the user's words, why a transition that cannot proceed is refused.
    ``check_permission=False`` is for transitions implied by an action the caller already authorized.

    Conditions are evaluated once, by the transition itself (django-fsm's ``can_proceed`` and
    ``has_transition_perm`` would each evaluate them again, and conditions may query the database)."""
    meta = transition._django_fsm
    instance = transition.__self__
    current_state = meta.field.get_state(instance)

    def refused() -> TransitionRefused:
        reason = refusal() if refusal else None
        return TransitionRefused(
            code=code, reason=reason or gettext("'%(action)s' is not allowed now.") % {"action": transition.__name__}
        )

    if not meta.has_transition(current_state):
        raise refused()
    if check_permission and by is not None and not meta.has_transition_perm(instance, current_state, by):
        raise ActionForbidden(
            code=ErrorCode.PERMISSION_DENIED,
            reason=gettext("You are not allowed to %(action)s.") % {"action": transition.__name__.replace("_", " ")},
        )
    try:
        transition(by=by, **kwargs)
    except TransitionNotAllowed:
        raise refused() from None

"""Who does a thing (DESIGN.md §2.2): every service takes ``by``; work that no person started (a job, a data
fix) runs as the system actor, so the audit log always names someone and no check is skipped for lack of one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SYSTEM_USERNAME = "system"


def system_actor() -> User:
    """The account background work acts as: it cannot sign in and holds no permissions of its own, so it
    can only fire the automatic transitions that need none (delivered, invoiced, paid)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "System"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user

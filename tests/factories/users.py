from django.contrib.auth.models import Group, User

from core import roles


def user_with_role(role: str, username: str | None = None) -> User:
    user = User.objects.create_user(username=username or role.replace(" ", "_"), password="pw-123456")
    user.groups.add(Group.objects.get(name=role))
    if role == roles.ADMINISTRATOR:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


def builder() -> User:
    """The user factories act as when a test does not say who (a sales manager: it may do what building test
    data needs). Tests about who may do what pass their own ``by``."""
    found = User.objects.filter(username="factory_builder").first()
    return found or user_with_role(roles.SALES_MANAGER, username="factory_builder")

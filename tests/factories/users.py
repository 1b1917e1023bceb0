from django.contrib.auth.models import Group, User

from core import roles


def user_with_role(role: str, username: str | None = None) -> User:
    user = User.objects.create_user(username=username or role.replace(" ", "_"), password="pw-123456")
    user.groups.add(Group.objects.get(name=role))
    if role == roles.ADMINISTRATOR:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions

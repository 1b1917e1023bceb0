from django.contrib.auth import backends
from django.contrib.auth.models import Permission, User

from core import roles
from core.auth_backends import ModelBackend
from tests.factories.users import user_with_role


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_permissions_are_the_own_and_the_group_ones_in_one_query(db, django_assert_num_queries):
    # given: a billing clerk who was also given one permission of their own
    user = user_with_role(roles.BILLING_CLERK)
    user.user_permissions.add(Permission.objects.get(codename="add_salesorder"))
    expected = backends.ModelBackend().get_all_permissions(_fresh(user))

    # when
    user = _fresh(user)
    with django_assert_num_queries(1):
        found = ModelBackend().get_all_permissions(user)
        again = ModelBackend().get_all_permissions(user)

    # then: the same set as Django's two queries give, then cached on the user
    assert found == expected
    assert again is found
    assert "salesapp.add_salesorder" in found
    assert "invoicing.view_invoice" in found


def test_a_user_without_groups_has_only_their_own_permissions(db):
    # given
    user = User.objects.create_user(username="loner", password="pw-123456")
    user.user_permissions.add(Permission.objects.get(codename="view_salesorder"))

    # when / then
    assert ModelBackend().get_all_permissions(_fresh(user)) == {"salesapp.view_salesorder"}


def test_inactive_users_and_superusers_are_answered_as_django_answers(db):
    # given
    inactive = user_with_role(roles.SALES_CLERK)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    superuser = User.objects.create_superuser(username="root", password="pw-123456")

    # when / then
    assert ModelBackend().get_all_permissions(_fresh(inactive)) == set()
    assert ModelBackend().get_all_permissions(_fresh(superuser)) == {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    superuser.is_active = False
    superuser.save()
    assert ModelBackend().get_all_permissions(_fresh(superuser)) == set()

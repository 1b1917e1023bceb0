from django.contrib.auth.models import Group, Permission

from config import roles as role_table

OUR_APPS = ["auth", "core", "marketing", "salesapp", "invoicing"]


def perm_names(permissions) -> set[str]:
    return {f"{app}.{codename}" for app, codename in permissions.values_list("content_type__app_label", "codename")}


def test_every_role_is_a_group_with_its_permissions(db):
    assert set(Group.objects.values_list("name", flat=True)) == set(role_table.ROLE_PERMISSIONS)
    for role, perms in role_table.ROLE_PERMISSIONS.items():
        granted = perm_names(Group.objects.get(name=role).permissions)
        if perms == ["*"]:
            assert perm_names(Permission.objects.filter(content_type__app_label__in=OUR_APPS)) <= granted
        else:
            assert granted == set(perms), role


def test_separation_of_duties(clerk, billing):
    assert clerk.has_perm("salesapp.confirm_salesorder") and not clerk.has_perm("invoicing.post_invoice")
    assert billing.has_perm("invoicing.post_invoice") and not billing.has_perm("salesapp.confirm_salesorder")

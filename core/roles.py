"""Roles are Django groups (DESIGN.md §7): their names, and how a table of permissions is applied to them.

The table itself names every app, so it lives in ``config.roles``."""

from django.utils.translation import gettext_lazy as _

SALES_CLERK = "sales clerk"
SALES_MANAGER = "sales manager"
BILLING_CLERK = "billing clerk"
INTEGRATOR = "integrator"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    SALES_CLERK: _("Sales clerk"),
    SALES_MANAGER: _("Sales manager"),
    BILLING_CLERK: _("Billing clerk"),
    INTEGRATOR: _("Integrator"),
    ADMINISTRATOR: _("Administrator"),
}


def roles_sync(apps, role_permissions: dict[str, list[str]]) -> None:
    """Create the groups and (re)assign their permissions. Usable from a data migration."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role)
        if perms == ["*"]:
            group.permissions.set(Permission.objects.all())
            continue
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found is None and _declared_later(app_label, codename):
                # An earlier role migration meets a model a later migration of its app creates: the role
                # migration that follows that one assigns it. A misspelt permission still fails below.
                continue
            if found is None:
                raise LookupError(f"Role '{role}' refers to unknown permission {perm}")
            wanted.append(found)
        group.permissions.set(wanted)


def _declared_later(app_label: str, codename: str) -> bool:
    """Whether ``codename`` is a permission the app's models declare today (a default one or in their Meta)
    though the migration state does not have it yet: an earlier role migration meets a model or permission a
    later migration of its app creates, and the role migration that follows that one assigns it."""
    from django.apps import apps as current
    from django.contrib.auth.management import _get_all_permissions

    return any(
        codename == declared
        for model in current.get_app_config(app_label).get_models()
        for declared, _name in _get_all_permissions(model._meta)
    )

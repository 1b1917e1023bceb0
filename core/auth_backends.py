"""Signing in and permissions: Django's model backend, with a user's permissions read in one query."""

from __future__ import annotations

from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection

# Every page and API request asks for the user's permissions (the page door, the navigation, the buttons);
# Django reads the user's own and the group ones in two ORM queries. One plain statement gives the same set.
_user_permissions = User.user_permissions.through._meta.db_table
_user_groups = User.groups.through._meta.db_table
_group_permissions = Group.permissions.through._meta.db_table
ALL_PERMISSIONS_SQL = f"""
    SELECT ct.app_label, p.codename
      FROM {Permission._meta.db_table} p
      JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id
     WHERE p.id IN (SELECT permission_id FROM {_user_permissions} WHERE user_id = %(user)s
                    UNION
                    SELECT gp.permission_id FROM {_group_permissions} gp
                      JOIN {_user_groups} ug ON ug.group_id = gp.group_id
                     WHERE ug.user_id = %(user)s)
"""


class ModelBackend(backends.ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            with connection.cursor() as cursor:
                cursor.execute(ALL_PERMISSIONS_SQL, {"user": user_obj.pk})
                user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in cursor.fetchall()}
        return user_obj._perm_cache

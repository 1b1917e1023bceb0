"""Django's PostgreSQL backend, with test databases created and dropped by the owner role: the application
role may not create databases (core/db_roles.py)."""

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from django.db.backends.postgresql.creation import DatabaseCreation as PostgreSQLDatabaseCreation

from core.db_roles import as_owner


class DatabaseCreation(PostgreSQLDatabaseCreation):
    def create_test_db(self, *args, **kwargs):
        with as_owner(self.connection):
            return super().create_test_db(*args, **kwargs)

    def destroy_test_db(self, *args, **kwargs):
        with as_owner(self.connection):
            return super().destroy_test_db(*args, **kwargs)


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    creation_class = DatabaseCreation

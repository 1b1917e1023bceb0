"""``migrate`` as the database owner, then the application role's grants (core/db_roles.py)."""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from core.db_roles import application_grants, as_owner


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Runs as the database owner and grants the application role its rights after."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        with as_owner(connection) as app_role:
            super().handle(*args, **options)
            if app_role:
                application_grants(connection, app_role)

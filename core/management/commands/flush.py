"""``flush`` as the database owner: emptying tables (the test runner does it after a transactional test) is
maintenance the application role may not do (core/db_roles.py)."""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from core.db_roles import as_owner


class Command(DjangoFlush):
    def handle(self, **options):
        with as_owner(connections[options["database"]]):
            super().handle(**options)

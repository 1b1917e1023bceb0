"""``flush`` as the database owner: emptying tables (the test runner does it after a transactional test) is
maintenance the application role may not do (core/db_roles.py). The job queue is emptied too: its tables
belong to procrastinate's unmanaged models, which Django's flush leaves alone, and a job left over from the
data just removed would run against rows that no longer exist."""

from django.apps import apps
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from core.db_roles import as_owner


class Command(DjangoFlush):
    def handle(self, **options):
        connection = connections[options["database"]]
        if options["interactive"]:
            confirm = input(
                f"This empties every table of the database {connection.settings_dict['NAME']!r}, the job queue "
                "included. Are you sure? Type 'yes' to continue, or 'no' to cancel: "
            )
            if confirm != "yes":
                self.stdout.write("Flush cancelled.")
                return
            options = {**options, "interactive": False}
        with as_owner(connection):
            super().handle(**options)
            queue_tables = [model._meta.db_table for model in apps.get_app_config("procrastinate").get_models()]
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in queue_tables)} CASCADE")

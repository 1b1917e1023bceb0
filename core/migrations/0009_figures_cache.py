from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    # Django's database cache (settings.CACHES) keeps its rows in a table of its own, made by its own command so
    # that its layout is the one the cache backend expects.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def cache_table_drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS core_cache")


class Migration(migrations.Migration):
    dependencies = [("core", "0008_external_references")]

    operations = [migrations.RunPython(cache_table_create, cache_table_drop)]

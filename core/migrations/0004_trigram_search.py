"""pg_trgm for the lists' text search and for finding parties by a similar name.

pg_trgm is a trusted extension: the database owner that runs migrations may create it without being a superuser."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0003_job_failures")]

    operations = [TrigramExtension()]

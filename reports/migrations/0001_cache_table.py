# The database cache's table (settings.CACHES), so `migrate` alone prepares every app server,
# the benchmark and the load test. `createcachetable` does nothing when the table exists or the
# cache is Redis.
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

"""The table of the shared cache (rate limits and the sign-in lock-out), made by `migrate` like every other table.

Created whatever CACHES says today, so that switching from Redis back to the database cache needs no extra command;
Django's own `createcachetable` builds it, so its columns are exactly what the database cache expects.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "minsheng_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {schema_editor.connection.ops.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_head_forward_only")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

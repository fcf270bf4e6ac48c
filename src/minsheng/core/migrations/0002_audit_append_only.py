"""The database itself refuses to change or remove audit events, on SQLite and on PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse();""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse();",
]
STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def _run(schema_editor, index):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"no append-only triggers for {schema_editor.connection.vendor}")
    for sql in statements[index]:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, 0)


def backwards(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

"""The database itself keeps the audit chain's head from moving backwards, on SQLite and on PostgreSQL.

Events cannot be deleted (0002), but without this someone could point the head back at an earlier event and
hide the newer ones past it. The head may only move forward, to an event that exists with the hash it names;
it cannot be deleted (or, on PostgreSQL, truncated).
"""

from django.db import migrations

REFUSED_MOVE = "the audit chain head only moves forward, to an event that exists"
REFUSED_DELETE = "the audit chain head cannot be removed"

SQLITE = [
    f"""CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE ON core_auditchainhead
        WHEN NEW.id <> OLD.id OR NEW.seq <= OLD.seq
          OR NOT EXISTS (SELECT 1 FROM core_auditevent WHERE seq = NEW.seq AND hash = NEW.hash)
        BEGIN SELECT RAISE(ABORT, '{REFUSED_MOVE}'); END;""",
    f"""CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead
        BEGIN SELECT RAISE(ABORT, '{REFUSED_DELETE}'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_forward_only;",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_delete;",
]
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION core_auditchainhead_guard() RETURNS trigger AS $$
        BEGIN
          IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
            RAISE EXCEPTION '{REFUSED_DELETE}';
          END IF;
          IF NEW.id <> OLD.id OR NEW.seq <= OLD.seq
             OR NOT EXISTS (SELECT 1 FROM core_auditevent WHERE seq = NEW.seq AND hash = NEW.hash) THEN
            RAISE EXCEPTION '{REFUSED_MOVE}';
          END IF;
          RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditchainhead_forward_only BEFORE UPDATE OR DELETE ON core_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION core_auditchainhead_guard();""",
    """CREATE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditchainhead_guard();""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_forward_only ON core_auditchainhead;",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;",
    "DROP FUNCTION IF EXISTS core_auditchainhead_guard();",
]
STATEMENTS = {"sqlite": (SQLITE, SQLITE_REVERSE), "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE)}


def _run(schema_editor, index):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"no audit chain head triggers for {schema_editor.connection.vendor}")
    for sql in statements[index]:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, 0)


def backwards(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]

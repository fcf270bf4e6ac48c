"""The PostgreSQL set-up of two roles: the tables' owner migrates, the platform's role owns nothing and so cannot
switch the audit triggers off, change or delete audit rows, or move the chain head back."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from minsheng.core import database_roles

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]
POSTGRES = "django.db.backends.postgresql"


def platform(**overrides) -> dict:
    return {"ENGINE": POSTGRES, "NAME": "minsheng", "USER": "minsheng", "PASSWORD": "", "HOST": "db", "PORT": 5432,
            "OPTIONS": {}, **overrides}


def test_the_owner_url_gives_other_credentials_for_the_same_database():
    owner = database_roles.owner_settings(platform(), "postgres://minsheng_owner:s3cret@db-admin:5433/minsheng"
                                                     "?sslmode=require")
    assert owner == {"USER": "minsheng_owner", "PASSWORD": "s3cret", "HOST": "db-admin", "PORT": 5433,
                     "OPTIONS": {"sslmode": "require"}}


@pytest.mark.parametrize(("settings_dict", "owner_url", "message"), [
    (platform(ENGINE="django.db.backends.sqlite3"), "postgres://owner@db/minsheng", "for PostgreSQL only"),
    (platform(), "sqlite:///minsheng.sqlite3", "must be a postgres:// URL"),
    (platform(), "postgres://owner@db/another", "names the database 'another' but DATABASE_URL names 'minsheng'"),
    (platform(), "postgres://minsheng@db/minsheng", "a role other than DATABASE_URL's (minsheng)"),
    (platform(), "postgres://db/minsheng", "a role other than"),
])
def test_a_misconfigured_owner_url_is_refused_with_its_reason(settings_dict, owner_url, message):
    with pytest.raises(database_roles.RoleSetupError, match=message.replace("(", r"\(").replace(")", r"\)")):
        database_roles.owner_settings(settings_dict, owner_url)


def test_migrate_refuses_an_owner_url_for_another_database_before_touching_anything(settings):
    # Under the tests the platform's database is the test database, so the owner URL names another one.
    settings.MIGRATIONS_DATABASE_URL = "postgres://minsheng_owner@127.0.0.1:5432/minsheng"
    expected = "for PostgreSQL only" if connection.vendor == "sqlite" else "both must name the same database"
    with pytest.raises(CommandError, match=expected):
        call_command("migrate", verbosity=0)


# --- On a real PostgreSQL server: two roles in a scratch database ---------------------------------------------

NORMAL_WRITES = """
from django.db import transaction
from minsheng.core import audit, services
from minsheng.registry.models import Organisation
from minsheng.core.identifiers import make_credit_code
import random
organisation = services.create_audited(
    Organisation(credit_code=make_credit_code(random.Random(7)), name_zh="两个角色测试单位", kind="enterprise"),
    by=None, reason="platform role writes")
services.update_audited(organisation, by=None, changes={"address": "深圳市福田区"}, reason="moved")
services.delete_audited(organisation, by=None, reason="gone")
with transaction.atomic():
    audit.record(action="core.test.step", new={"by": "the platform's role"})
print("writes done")
"""


def _server() -> dict:
    settings_dict = connection.settings_dict
    return {"host": settings_dict["HOST"] or "127.0.0.1", "port": settings_dict["PORT"] or 5432,
            "user": settings_dict["USER"], "password": settings_dict["PASSWORD"] or None}


def _url(role: str, database: str) -> str:
    server = _server()
    return f"postgres://{role}@{server['host']}:{server['port']}/{database}"


def _minsheng(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "minsheng", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture
def two_roles(tmp_path):
    """A scratch database owned by a fresh owner role, and a fresh platform role with nothing granted yet."""
    suffix = secrets.token_hex(4)
    owner, app, database = f"ms_owner_{suffix}", f"ms_app_{suffix}", f"ms_roles_{suffix}"
    with psycopg.connect(dbname="postgres", autocommit=True, **_server()) as admin:
        admin.execute(f'CREATE ROLE "{owner}" LOGIN')
        admin.execute(f'CREATE ROLE "{app}" LOGIN')
        admin.execute(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    base = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "MIGRATIONS_DATABASE_URL"}}
    env = {**base, "MINSHENG_VAR": str(tmp_path / "var"), "SECRET_KEY": secrets.token_urlsafe(40),
           "AUDIT_KEY": secrets.token_urlsafe(40), "BACKUP_KEY": secrets.token_urlsafe(40)}
    try:
        yield {"owner": owner, "app": app, "database": database, "env": env}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **_server()) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{app}"')
            admin.execute(f'DROP ROLE IF EXISTS "{owner}"')


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="roles and table ownership exist on PostgreSQL only")
def test_the_platform_role_owns_nothing_and_cannot_switch_the_audit_triggers_off(two_roles, tmp_path):
    owner, app, database, env = (two_roles[k] for k in ("owner", "app", "database", "env"))
    platform_env = {**env, "DATABASE_URL": _url(app, database)}

    migrated = _minsheng({**platform_env, "MIGRATIONS_DATABASE_URL": _url(owner, database)}, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    assert f"Migrated as '{owner}'" in migrated.stdout

    # The platform, running as its own role, works as usual: audited writes, the chain, a checkpoint, a backup.
    writes = _minsheng(platform_env, "shell", "-c", NORMAL_WRITES)
    assert writes.returncode == 0, writes.stderr
    assert "writes done" in writes.stdout
    for args in (("audit", "checkpoint"), ("audit", "verify", "--no-progress"),
                 ("backup", "create", "--no-progress", "--output", str(tmp_path / "backups"))):
        result = _minsheng(platform_env, *args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)

    server = _server()
    with psycopg.connect(dbname=database, user=app, host=server["host"], port=server["port"],
                         autocommit=True) as platform_role:
        owned = platform_role.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user").fetchone()
        assert owned == (0,)
        head, events = platform_role.execute("SELECT seq, (SELECT count(*) FROM core_auditevent) "
                                             "FROM core_auditchainhead").fetchone()
        assert head == events == 4
        refused = {
            "ALTER TABLE core_auditevent DISABLE TRIGGER ALL": "must be owner of table core_auditevent",
            "ALTER TABLE core_auditchainhead DISABLE TRIGGER USER": "must be owner of table core_auditchainhead",
            "DROP TRIGGER core_auditevent_no_change ON core_auditevent": "must be owner of relation core_auditevent",
            "SET session_replication_role = replica": "permission denied to set parameter",
            "DELETE FROM core_auditevent WHERE seq = 4": "permission denied for table core_auditevent",
            "UPDATE core_auditevent SET reason = 'rewritten'": "permission denied for table core_auditevent",
            "TRUNCATE core_auditevent": "permission denied for table core_auditevent",
            "UPDATE core_auditchainhead SET seq = 3, hash = (SELECT hash FROM core_auditevent WHERE seq = 3)":
                "the audit chain head only moves forward",
            "DELETE FROM core_auditchainhead": "permission denied for table core_auditchainhead",
            "INSERT INTO django_migrations (app, name, applied) VALUES ('core', '9999_x', now())":
                "permission denied for table django_migrations",
        }
        for statement, message in refused.items():
            with pytest.raises(psycopg.Error, match=message):
                platform_role.execute(statement)
        # Ordinary rows are the platform's to write.
        platform_role.execute("INSERT INTO django_session (session_key, session_data, expire_date) "
                              "VALUES ('k' || md5(random()::text), 'x', now())")
        assert platform_role.execute("DELETE FROM django_session").rowcount == 1
        assert platform_role.execute("SELECT seq FROM core_auditchainhead").fetchone() == (4,)

    verified = _minsheng(platform_env, "audit", "verify", "--no-progress")
    assert verified.returncode == 0 and "audit chain intact: 4 events" in verified.stdout

    # Migrating again (a new release) keeps the platform's role narrow.
    again = _minsheng({**platform_env, "MIGRATIONS_DATABASE_URL": _url(owner, database)}, "migrate", "--no-input")
    assert again.returncode == 0, again.stderr


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="roles and table ownership exist on PostgreSQL only")
def test_migrate_refuses_a_platform_role_that_could_still_alter_tables(two_roles):
    owner, app, database, env = (two_roles[k] for k in ("owner", "app", "database", "env"))
    with psycopg.connect(dbname="postgres", autocommit=True, **_server()) as admin:
        admin.execute(f'GRANT "{owner}" TO "{app}"')
    result = _minsheng({**env, "DATABASE_URL": _url(app, database), "MIGRATIONS_DATABASE_URL": _url(owner, database)},
                       "migrate", "--no-input")
    assert result.returncode == 1
    assert result.stderr.strip() == (f"CommandError: the platform's role '{app}' is a member of the owner '{owner}' "
                                     f'and so acts as the owner: REVOKE "{owner}" FROM "{app}"')
    with psycopg.connect(dbname=database, autocommit=True, **_server()) as check:
        assert check.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)

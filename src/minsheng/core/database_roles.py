"""Two PostgreSQL roles: the tables' owner runs the migrations, the platform runs as a role that owns nothing.

The owner of a table can switch its triggers off (`ALTER TABLE … DISABLE TRIGGER`), so a platform that owned the
audit table could empty it despite the append-only triggers. With MIGRATIONS_DATABASE_URL set, `minsheng migrate`
(and `backup restore`, which resets sequences) connect as the owner named there and then grant the role of
DATABASE_URL only what the running platform needs: reading and writing rows, never changing or deleting an audit
event, never deleting the chain head, never recording a migration.
"""

from contextlib import contextmanager

import dj_database_url
from django.db.backends.base.base import BaseDatabaseWrapper

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
ROW_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
# Tables where the platform's role gets less than every row privilege.
LIMITED = {
    "core_auditevent": "SELECT, INSERT",  # append-only, also in the triggers
    "core_auditchainhead": "SELECT, INSERT, UPDATE",  # moves forward only (triggers); never deleted
    "django_migrations": "SELECT",  # the platform never migrates itself
}


class RoleSetupError(Exception):
    """The two-role set-up is misconfigured; the message says how to fix it."""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def owner_settings(platform: dict, owner_url: str) -> dict:
    """The owner's credentials, checked against the platform's connection: the same database, another role.

    Only the credentials are taken from the owner's URL, and it must name the platform's database, so a migration
    run as the owner never reaches another database than the one the platform uses.
    """
    if platform["ENGINE"] != "django.db.backends.postgresql":
        raise RoleSetupError("MIGRATIONS_DATABASE_URL is for PostgreSQL only; unset it for SQLite")
    try:
        owner = dj_database_url.parse(owner_url)
    except ValueError as error:
        raise RoleSetupError(f"MIGRATIONS_DATABASE_URL is not a database URL ({error})") from error
    if owner["ENGINE"] != platform["ENGINE"]:
        raise RoleSetupError("MIGRATIONS_DATABASE_URL must be a postgres:// URL, like DATABASE_URL")
    if owner["NAME"] != platform["NAME"]:
        raise RoleSetupError(f"MIGRATIONS_DATABASE_URL names the database {owner['NAME']!r} but DATABASE_URL names "
                             f"{platform['NAME']!r}: both must name the same database")
    if not owner.get("USER") or owner["USER"] == platform.get("USER"):
        raise RoleSetupError("MIGRATIONS_DATABASE_URL must name the tables' owner, a role other than "
                             f"DATABASE_URL's ({platform.get('USER') or 'none given'})")
    return {**{key: owner.get(key) or "" for key in CREDENTIALS},
            "OPTIONS": {**platform.get("OPTIONS", {}), **owner.get("OPTIONS", {})}}


@contextmanager
def connected_as(connection: BaseDatabaseWrapper, credentials: dict):
    """Reconnect `connection` with other credentials for the duration (same database), then back."""
    saved = {key: connection.settings_dict.get(key) for key in credentials}
    connection.close()
    connection.settings_dict.update(credentials)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def problems_before_migrating(connection: BaseDatabaseWrapper, platform_role: str) -> list[str]:
    """What would leave the platform able to alter tables even after the grants (asked as the owner)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = cursor.fetchone()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [platform_role])
        row = cursor.fetchone()
        if row is None:
            return [f"the platform's role {platform_role!r} (DATABASE_URL) does not exist: create it first "
                    f"(CREATE ROLE {_quote(platform_role)} LOGIN PASSWORD '…')"]
        problems = []
        if row[0]:
            problems.append(f"the platform's role {platform_role!r} is a superuser, so it can switch any trigger "
                            "off: connect the platform as an ordinary role")
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [platform_role, owner])
        if cursor.fetchone()[0]:
            problems.append(f"the platform's role {platform_role!r} is a member of the owner {owner!r} and so "
                            f"acts as the owner: REVOKE {_quote(owner)} FROM {_quote(platform_role)}")
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tableowner = %s",
                       [schema, platform_role])
        owned = cursor.fetchone()[0]
        if owned:
            problems.append(f"the platform's role {platform_role!r} owns {owned} table(s) in schema {schema!r} "
                            f"(it ran the migrations before): as a superuser run REASSIGN OWNED BY "
                            f"{_quote(platform_role)} TO {_quote(owner)}; then migrate again")
    return problems


def grant_platform_role(connection: BaseDatabaseWrapper, platform_role: str) -> None:
    """Give the platform's role exactly its privileges on every table and sequence (asked as the owner).

    Everything is revoked first, so a privilege granted by hand earlier does not survive a migration; default
    privileges give tables the owner creates later (a cache table, say) the row privileges too, and the next
    `migrate` narrows them again where LIMITED says so.
    """
    role = _quote(platform_role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = (_quote(name) for name in cursor.fetchone())
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = {name for (name,) in cursor.fetchall()}
        statements = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT {ROW_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT {ROW_PRIVILEGES} ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ]
        for table, privileges in LIMITED.items():
            if table in tables:
                statements += [f"REVOKE ALL ON {_quote(table)} FROM {role}",
                               f"GRANT {privileges} ON {_quote(table)} TO {role}"]
        for statement in statements:
            cursor.execute(statement)

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from minsheng.core import database_roles


class Command(migrate.Command):
    help = (migrate.Command.help + " With MIGRATIONS_DATABASE_URL set (PostgreSQL), it connects as the tables' "
            "owner named there and then grants the platform's role (DATABASE_URL) only the row privileges it needs.")

    def handle(self, *args, **options):
        if not settings.MIGRATIONS_DATABASE_URL or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        connection = connections[DEFAULT_DB_ALIAS]
        platform_role = connection.settings_dict.get("USER") or ""
        try:
            owner = database_roles.owner_settings(connection.settings_dict, settings.MIGRATIONS_DATABASE_URL)
        except database_roles.RoleSetupError as error:
            raise CommandError(str(error)) from error
        with database_roles.connected_as(connection, owner):
            problems = database_roles.problems_before_migrating(connection, platform_role)
            if problems:
                raise CommandError("; ".join(problems))
            super().handle(*args, **options)
            with transaction.atomic():
                database_roles.grant_platform_role(connection, platform_role)
        if options["verbosity"]:
            self.stdout.write(f"Migrated as {owner['USER']!r}; the platform's role {platform_role!r} may read and "
                              "write rows, append audit events and move the chain head forward, and owns no table.")

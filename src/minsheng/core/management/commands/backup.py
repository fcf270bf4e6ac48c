from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from tqdm import tqdm

from minsheng.core import backup, database_roles


class Command(BaseCommand):
    help = ("Backups. `backup create` writes one archive; `backup drill FILE` restores it into a scratch database "
            "and compares; `backup restore FILE` loads it into this (new, migrated) database.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "restore", "drill", "digests"])
        parser.add_argument("file", nargs="?", help="the backup archive (restore, drill)")
        parser.add_argument("--output", default=str(settings.VAR_DIR / "backups"), help="folder for `create`")
        parser.add_argument("--database-url", help="drill into this empty database instead of a scratch SQLite file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, action, file, output, database_url, no_progress, **options):
        if action in {"restore", "drill"} and not file:
            raise CommandError(f"`backup {action}` needs the archive's path")
        if action == "create":
            total = len(backup._models())
            with tqdm(total=total, unit="table", disable=no_progress, file=self.stderr) as bar:
                path = backup.create(Path(output), progress=bar.update)
            self.stdout.write(self.style.SUCCESS(f"backup written: {path} ({path.stat().st_size:,} bytes)"))
        elif action == "restore":
            self._restore(Path(file))
        elif action == "digests":
            import json

            self.stdout.write(json.dumps(backup.digests()))
        else:
            try:
                report = backup.drill(Path(file), database_url)
            except backup.RestoreRefused as error:
                raise CommandError(str(error)) from error
            for line in report.mismatches + report.audit_findings:
                self.stdout.write(self.style.ERROR(line))
            if not report.ok:
                raise CommandError(f"restore drill failed: {len(report.mismatches)} difference(s), "
                                   f"{len(report.audit_findings)} audit finding(s)")
            self.stdout.write(self.style.SUCCESS(
                f"restore drill passed: {report.rows} rows in {report.tables} tables restored into {report.database} "
                "match the signed backup, audit chain intact up to the backup's checkpoint"))

    def _restore(self, path: Path) -> None:
        try:
            if settings.MIGRATIONS_DATABASE_URL:
                # Loading rows resets the tables' sequences, which only their owner may do.
                connection = connections[DEFAULT_DB_ALIAS]
                owner = database_roles.owner_settings(connection.settings_dict, settings.MIGRATIONS_DATABASE_URL)
                with database_roles.connected_as(connection, owner):
                    rows = backup.restore(path)
            else:
                rows = backup.restore(path)
            lost = backup.lost_since_restore()
        except (backup.RestoreRefused, database_roles.RoleSetupError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"restored {rows} rows from {path}"))
        if lost is not None:
            self.stdout.write(self.style.WARNING(
                f"{settings.AUDIT_CHECKPOINTS_FILE} records audit events up to {lost.seq} ({lost.describe()}), "
                "past the end of this backup: those events were lost with the database, and `audit verify` says so "
                "until the file is moved aside (keep it as the record of the loss)"))

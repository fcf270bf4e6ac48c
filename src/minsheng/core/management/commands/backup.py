from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from minsheng.core import backup


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
            try:
                rows = backup.restore(Path(file))
            except backup.RestoreRefused as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(f"restored {rows} rows from {file}"))
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
                f"restore drill passed: {report.rows} rows in {len(backup.manifest_of(Path(file))['models'])} "
                f"tables restored into {report.database} match the backup, audit chain intact"))

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from minsheng.core import checkpoints
from minsheng.core.models import AuditEvent


class Command(BaseCommand):
    help = ("Audit trail tools. `audit verify` recomputes the hash chain, compares it with the signed checkpoints "
            "and names every broken, removed or inserted row and a shortened chain; `audit checkpoint` signs the "
            "chain's head and appends it to the checkpoints file and the log (run it on a schedule).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--checkpoints", action="append", default=[], metavar="PATH",
            help="verify: also compare with the checkpoints in PATH (a copy of the checkpoints file, a log, or a "
                 "backup archive); may be repeated")

    def handle(self, *args, action, no_progress, checkpoints: list[str], verbosity: int = 1, **options):
        if action == "checkpoint":
            self._checkpoint(verbosity)
        else:
            self._verify(no_progress, checkpoints)

    def _verify(self, no_progress: bool, paths: list[str]) -> None:
        total = AuditEvent.objects.count()
        with tqdm(total=total, unit="event", disable=no_progress or not total, file=self.stderr) as bar:
            check = checkpoints.verify_trail(progress=bar.update, paths=paths)
        latest = check.checkpoints.latest
        compared = (f"compared with {len(check.checkpoints.checkpoints)} signed checkpoint(s), the latest at event "
                    f"{latest.seq} ({latest.at[:19].replace('T', ' ')} UTC)" if latest else "no signed checkpoint "
                    "to compare with (run `minsheng audit checkpoint` on a schedule)")
        if not check.ok:
            for finding in check.findings:
                self.stdout.write(self.style.ERROR(str(finding)))
            raise CommandError(f"audit chain broken: {len(check.findings)} problem(s) in {total} events; {compared}")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {total} events; {compared}"))

    def _checkpoint(self, verbosity: int) -> None:
        checkpoint, findings = checkpoints.write("command")
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"checkpoint written: event {checkpoint.seq}, hash {checkpoint.hash[:12]}…, "
                f"to {settings.AUDIT_CHECKPOINTS_FILE} and the log"))
        if findings:
            # On stdout whatever the verbosity, so that a scheduler that mails output mails this.
            for finding in findings:
                self.stdout.write(self.style.ERROR(str(finding)))
            raise CommandError(f"the audit chain no longer matches earlier checkpoints: {len(findings)} problem(s); "
                               "run `minsheng audit verify`")

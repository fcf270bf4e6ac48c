from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from minsheng.core import audit
from minsheng.core.models import AuditEvent


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` recomputes the hash chain and names every broken row."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, action, no_progress, **options):
        total = AuditEvent.objects.count()
        with tqdm(total=total, unit="event", disable=no_progress or not total, file=self.stderr) as bar:
            findings = list(audit.verify(progress=bar.update))
        if findings:
            for finding in findings:
                self.stdout.write(self.style.ERROR(str(finding)))
            raise CommandError(f"audit chain broken: {len(findings)} problem(s) in {total} events")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {total} events"))

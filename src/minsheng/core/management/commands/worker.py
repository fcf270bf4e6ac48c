"""`minsheng worker`: run the background jobs (core/jobs.py) queued in the database, until stopped.

First it puts back in the queue any job left "running" for longer than --stale-minutes by a worker that was
killed (a worker that is stopped with Ctrl+C or SIGTERM finishes its job first), so no job is lost; then it runs
django-tasks-db's worker over every queue. Several workers may run at once, on one machine or several: each job
is claimed by one of them under a row lock.
"""

import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minsheng.core import clock

STALE_MINUTES = 30


class Command(BaseCommand):
    help = "Run the background jobs (mail, long runs) queued in the database, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due, then stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at the queue.")
        parser.add_argument("--stale-minutes", type=int, default=STALE_MINUTES,
                            help="A job still marked running after this long is queued again.")

    def handle(self, *args, batch: bool, interval: float, stale_minutes: int, **options):
        requeued = requeue_stale(datetime.timedelta(minutes=stale_minutes))
        if requeued:
            self.stdout.write(f"requeued {requeued} job(s) left running by a worker that stopped")
        arguments = ["--queue-name", "*", "--interval", str(interval), "--no-reload"]
        if batch:
            arguments += ["--batch", "--no-startup-delay"]
        call_command("db_worker", *arguments, verbosity=options["verbosity"])


def requeue_stale(after: datetime.timedelta) -> int:
    """Jobs marked running for longer than `after`: their worker was killed mid-job; they run again."""
    return (DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=clock.now() - after)
            .update(status=TaskResultStatus.READY, started_at=None))

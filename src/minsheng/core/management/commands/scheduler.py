"""`minsheng scheduler`: queue the jobs of settings.SCHEDULE when they are due (core/schedule.py), until stopped.

One scheduler per platform is enough; two do no harm (each slot fires once). `--once` looks once and stops, for a
cron line instead of a long-running process. The worker (`minsheng worker`) runs what it queues.
"""

import time

from django.core.management.base import BaseCommand

from minsheng.core import schedule


class Command(BaseCommand):
    help = "Queue the scheduled jobs (reminders, the nightly audit check and backup) when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Look once, queue what is due, then stop.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between looks at the clock.")

    def handle(self, *args, once: bool, interval: float, **options):
        # A wrong SCHEDULE stops here, before the loop. Stopping at any moment is safe: each firing is one
        # transaction.
        schedule.entries()
        while True:
            for name in schedule.tick():
                self.stdout.write(f"queued {name}")
            if once:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return

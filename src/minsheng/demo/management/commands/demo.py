from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from minsheng.demo.applications import ORGANISATION_ACCOUNT_PREFIX
from minsheng.demo.builder import ACCOUNTS, PASSWORD, DemoBuilder


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again adds nothing) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, no_progress=False, **options):
        with tqdm(total=DemoBuilder.total_steps(), unit="row", desc="demo", disable=no_progress,
                  file=self.stderr) as bar:
            created = DemoBuilder(progress=bar.update).build()
        self.stdout.write(self.style.SUCCESS(_("Demo data ready: %(count)d new rows.") % {"count": created}))
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password for all: %(password)s)") % {"password": PASSWORD})
        width = max(len(a.username) for a in ACCOUNTS)
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<{width}}  {account.role:<20} {account.description}")
        others = list(get_user_model().objects.filter(username__startswith=ORGANISATION_ACCOUNT_PREFIX)
                      .order_by("username").values_list("username", flat=True))
        if others:
            self.stdout.write(_("Each other demo applicant organisation signs in with its own account, "
                                "%(first)s … %(last)s (%(count)d accounts, the same password).")
                              % {"first": others[0], "last": others[-1], "count": len(others)})
        self.stdout.write("")
        self.stdout.write(_("Open http://127.0.0.1:8000/ and sign in."))

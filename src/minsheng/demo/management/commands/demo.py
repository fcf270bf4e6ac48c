import argparse
import contextlib
import logging
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.test import override_settings
from django.utils.translation import gettext as _
from tqdm import tqdm

from minsheng.demo import city
from minsheng.demo.applications import ORGANISATION_ACCOUNT_PREFIX
from minsheng.demo.builder import ACCOUNTS, PASSWORD, DemoBuilder


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again adds nothing) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--accounts", action="store_true",
                            help="list every demo applicant organisation's account with its organisation")
        parser.add_argument("--scale", choices=["demo", "city"], default="demo",
                            help="city: add a city's ten years on top of the demo (2,000 organisations, 20,000 "
                                 "applications, 5,000 projects, 2,000 experts, 200,000 audit events), written in bulk")
        # A fraction of the city, so that a test builds it in seconds.
        parser.add_argument("--city-factor", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, no_progress=False, accounts=False, scale="demo", city_factor=1.0, **options):
        # The demo's people are fictional: the mails its workflow steps send go nowhere, whatever mail server the
        # settings name (a newcomer has none, and a production server must not mail made-up addresses). The mail
        # jobs run at once, into that backend, rather than wait in the queue for a worker with the real one; the
        # in-app notifications the steps write stay.
        # The city's decade is built on a complete demo, whose later steps pick among all projects: once the city
        # is there, the demo is not walked again (it would add nothing to its own rows, and act on the city's).
        if not city.built():
            with (override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                                    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}),
                  _quiet("django_tasks"),
                  tqdm(total=DemoBuilder.total_steps(), unit="row", desc="demo", disable=no_progress,
                       file=self.stderr) as bar):
                created = DemoBuilder(progress=bar.update).build()
            self.stdout.write(self.style.SUCCESS(_("Demo data ready: %(count)d new rows.") % {"count": created}))
        if scale == "city":
            self._city(city_factor, no_progress)
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (password for all: %(password)s)") % {"password": PASSWORD})
        others = list(get_user_model().objects.filter(username__startswith=ORGANISATION_ACCOUNT_PREFIX)
                      .select_related("organisation").order_by("username"))
        width = max(len(user.username) for user in [*ACCOUNTS, *others])
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<{width}}  {account.role:<20} {account.description}")
        if others and accounts:
            self.stdout.write(_("Demo applicant organisations' accounts (the same password):"))
            for user in others:
                self.stdout.write(f"  {user.username:<{width}}  {user.organisation.name_zh}")
        elif others:
            # The number is the organisation's place in the demo's list, so numbers of organisations without an
            # account are skipped: say how many there are rather than imply a range.
            self.stdout.write(_("Each other demo applicant organisation signs in with its own account: %(count)d "
                                "accounts from %(first)s to %(last)s (numbered by organisation, some numbers "
                                "unused; the same password). `minsheng demo --accounts` lists whose each is.")
                              % {"first": others[0].username, "last": others[-1].username, "count": len(others)})
        self.stdout.write("")
        self.stdout.write(_("Open http://127.0.0.1:8000/ and sign in."))

    def _city(self, factor: float, no_progress: bool) -> None:
        started = time.monotonic()
        with tqdm(total=city.total_steps(factor), unit="row", desc="city", disable=no_progress,
                  file=self.stderr) as bar:
            counts = city.CityBuilder(factor, progress=bar.update).build()
        if not counts:
            self.stdout.write(_("The city's ten years are already there: nothing added."))
            return
        self.stdout.write(self.style.SUCCESS(
            _("City data ready in %(seconds).0f s: %(organisations)d organisations, %(experts)d experts, "
              "%(applications)d applications, %(check_decisions)d formal-check decisions, %(projects)d projects, "
              "%(audit_events)d audit events.") % {"seconds": time.monotonic() - started, **counts}))


@contextlib.contextmanager
def _quiet(name: str):
    """The library's log line per job run and state (hundreds for the demo's mails, which go nowhere) would bury
    the progress bar and the accounts; its warnings and errors still show."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)

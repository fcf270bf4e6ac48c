"""What answering faults honestly costs, measured in one run on a fresh database:

1. a signed-in user reading the workbench: the session saved on every request (Django's SESSION_SAVE_EVERY_REQUEST,
   as the platform did) against the idle deadline pushed forward at most once a minute
   (core.middleware.IdleSessionMiddleware): time per read and session writes per read;
2. recording an expenditure: the service alone against the same write with its one-time token claimed in the same
   transaction (core/once.py), interleaved so both see the same number of earlier records.

    .venv/bin/python bench/reliability.py [--reads 300] [--writes 300]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_minsheng .venv/bin/python bench/reliability.py

Prints ratios against the reference measured in the same run; never passes or fails on time.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]   # the platform, and the tests' factories for the scratch data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()

    os.environ.setdefault("MINSHENG_VAR", tempfile.mkdtemp(prefix="minsheng-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client, RequestFactory, override_settings
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone
    from tqdm import tqdm

    from minsheng.contracts import services
    from minsheng.core import once
    from minsheng.core.roles import Role

    creation = connection.creation
    test_db = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("migrate", verbosity=0)
        setup_test_environment()   # the test client's host name
        settings.SECOND_FACTOR_REQUIRED = False
        # Pages read their static files from the source tree, as in the tests (no collectstatic in a scratch run).
        settings.STORAGES = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
        from tests.contracts.helpers import first_paid
        from tests.factories import user_for_role
        from tests.factories.contracts import approved_project

        project = approved_project()
        officer, finance = user_for_role(Role.OFFICER), user_for_role(Role.FINANCE)
        applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
        first_paid(project, officer, applicant, finance)
        page = reverse("accounts:home")   # the workbench: what a signed-in user opens most

        every_request = [m for m in settings.MIDDLEWARE if not m.endswith("IdleSessionMiddleware")]
        configurations = {
            "saved on every request": override_settings(SESSION_SAVE_EVERY_REQUEST=True, MIDDLEWARE=every_request),
            "pushed once a minute": override_settings(),
        }
        clients, reads = {}, {name: [0.0, 0] for name in configurations}
        for name, configuration in configurations.items():
            with configuration:   # each client builds its middleware chain under its own settings
                clients[name] = Client()
                clients[name].force_login(applicant)
                for _ in range(5):   # warm the templates and caches
                    clients[name].get(page)
        for _ in tqdm(range(args.reads), desc="page reads", unit="pair", file=sys.stderr):
            for name, configuration in configurations.items():   # interleaved: the same load on both
                with configuration, CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    assert clients[name].get(page).status_code == 200
                    reads[name][0] += time.perf_counter() - started
                reads[name][1] += sum(1 for q in queries
                                      if q["sql"].startswith("UPDATE") and "django_session" in q["sql"])

        factory = RequestFactory()
        url = reverse("contracts:expenditure_add", args=[project.pk])
        timings = {"service alone": 0.0, "with its one-time token": 0.0}

        def expenditure():
            return services.record_expenditure(project, by=applicant, category="equipment", amount=1,
                                               spent_on=timezone.localdate(), description="基准支出")

        for i in tqdm(range(args.writes), desc="expenditures", unit="pair", file=sys.stderr):
            request = factory.post(url, {"amount": "0.0001", "n": str(i), once.FIELD: once.new_token()})
            request.user = applicant
            started = time.perf_counter()
            with transaction.atomic():
                expenditure()
            timings["service alone"] += time.perf_counter() - started
            started = time.perf_counter()
            once.record(request, key=request.POST[once.FIELD], action="contracts.expenditure.record",
                        write=expenditure)
            timings["with its one-time token"] += time.perf_counter() - started

        print(f"database: {connection.vendor}")
        print(f"page read by a signed-in applicant ({args.reads} reads of the workbench with each, interleaved):")
        (old_seconds, old_writes), (new_seconds, new_writes) = reads.values()
        for name, (seconds, writes) in reads.items():
            print(f"  session {name:24} {seconds / args.reads * 1000:7.2f} ms/read, "
                  f"{writes / args.reads:.3f} session writes/read")
        print(f"  ratio once-a-minute/every-request: {new_seconds / old_seconds:.2f} (time), "
              f"{new_writes}/{old_writes} session writes")
        plain, claimed = timings.values()
        print(f"expenditure recorded ({args.writes} of each, interleaved):")
        for name, seconds in timings.items():
            print(f"  {name:24} {seconds / args.writes * 1000:7.2f} ms/write")
        print(f"  ratio with-token/alone: {claimed / plain:.2f}")
    finally:
        creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()

"""What keeping people's contact details out of the audit trail, and reading the trail in words, cost.

    .venv/bin/python bench/audit_reading.py [--rows 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_minsheng .venv/bin/python bench/audit_reading.py

1. Audited creation of organisations with a contact person, phone and e-mail (each becomes a token, and each record
   gets its own key) against the same creation without contact details.
2. Reading a page of 50 events as people read them (labels, referenced records by name, one sentence per change)
   against loading the same 50 events, with the number of queries each takes.

Prints ratios against the reference measured in the same run, never passes or fails on time.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="minsheng-bench-")
    os.environ.setdefault("MINSHENG_VAR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    import random

    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation
    from tqdm import tqdm

    from minsheng.accounts.models import User
    from minsheng.core import readable
    from minsheng.core.identifiers import make_credit_code
    from minsheng.core.models import AuditEvent
    from minsheng.core.services import create_audited, update_audited
    from minsheng.policy.models import District
    from minsheng.registry.models import Organisation

    creation = connection.creation
    test_db = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(1)
        officer = User.objects.create_user("bench_officer", "bench@example.cn", role="officer", last_name="张",
                                           first_name="三")
        districts = list(District.objects.all())

        def org(prefix: str, i: int, contact: bool) -> Organisation:
            details = {"contact_name": f"联系人{i}", "contact_phone": f"139{i:08d}",
                       "contact_email": f"contact{i}@example.cn"} if contact else {}
            return Organisation(credit_code=make_credit_code(rng), name_zh=f"{prefix}基准单位{i:06d}",
                                kind="enterprise", address="深圳市南山区科技园", district=districts[i % len(districts)],
                                **details)

        timings = {}
        for label, prefix, contact in (("without contact details", "甲", False),
                                       ("with contact details", "乙", True)):
            started = time.perf_counter()
            for i in tqdm(range(args.rows), desc=label, unit="row", file=sys.stderr):
                create_audited(org(prefix, i, contact), by=officer)
            timings[label] = time.perf_counter() - started

        for organisation in list(Organisation.objects.order_by("pk")[:200]):   # changes to read as sentences
            update_audited(organisation, by=officer, changes={"address": "深圳市福田区深南大道", "size": "small",
                                                              "district": districts[0]})

        seqs = list(AuditEvent.objects.order_by("-seq").values_list("seq", flat=True))
        pages = [seqs[i:i + 50] for i in range(0, min(len(seqs), args.pages * 50), 50)]
        loaded = read = 0.0
        queries = {"load": 0, "read": 0}
        with translation.override("zh-hans"):
            for seq_page in pages:
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    events = list(AuditEvent.objects.filter(seq__in=seq_page).order_by("-seq"))
                    loaded += time.perf_counter() - started
                queries["load"] = max(queries["load"], len(captured))
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    items = readable.read(events)
                    read += time.perf_counter() - started
                queries["read"] = max(queries["read"], len(captured))
                assert len(items) == len(events)

        plain, tokens = timings["without contact details"], timings["with contact details"]
        print(f"database: {connection.vendor} ({test_db})")
        print(f"audited creations: {args.rows} each")
        print(f"  without contact details: {plain:7.3f} s ({args.rows / plain:6.0f} rows/s)")
        print(f"  with contact details:    {tokens:7.3f} s ({args.rows / tokens:6.0f} rows/s)")
        print(f"  ratio with/without: {tokens / plain:.2f}")
        print(f"pages of 50 events: {len(pages)}")
        print(f"  load:  {loaded / len(pages) * 1000:7.2f} ms a page, at most {queries['load']} queries")
        print(f"  read in words: {read / len(pages) * 1000:7.2f} ms a page, at most {queries['read']} more queries")
        print(f"  ratio (load + read)/load: {(loaded + read) / loaded:.2f}")
    finally:
        creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()

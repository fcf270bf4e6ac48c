"""What the audit trail costs: audited writes against the same writes without an audit event, and the
speed of `audit verify`, measured in one run on a fresh database.

    .venv/bin/python bench/audit_trail.py [--rows 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_minsheng .venv/bin/python bench/audit_trail.py

Prints ratios (audited ÷ plain), never passes or fails on time.
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
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="minsheng-bench-")
    os.environ.setdefault("MINSHENG_VAR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment  # noqa: F401 (keeps Django's test DB helpers importable)
    from tqdm import tqdm

    from minsheng.core import audit
    from minsheng.core.identifiers import make_credit_code
    from minsheng.core.services import create_audited
    from minsheng.registry.models import Organisation

    creation = connection.creation
    test_db = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("migrate", verbosity=0)
        import random

        rng = random.Random(1)

        def org(prefix: str, i: int) -> Organisation:
            return Organisation(credit_code=make_credit_code(rng), name_zh=f"{prefix}基准单位{i:06d}",
                                kind="enterprise")

        started = time.perf_counter()
        for i in tqdm(range(args.rows), desc="plain", unit="row", file=sys.stderr):
            with transaction.atomic():
                instance = org("甲", i)
                instance.full_clean()
                instance.save(force_insert=True)
        plain = time.perf_counter() - started

        started = time.perf_counter()
        for i in tqdm(range(args.rows), desc="audited", unit="row", file=sys.stderr):
            create_audited(org("乙", i), by=None, reason="bench")
        audited = time.perf_counter() - started

        started = time.perf_counter()
        findings = list(audit.verify())
        verify = time.perf_counter() - started

        print(f"database: {connection.vendor} ({test_db})")
        print(f"rows: {args.rows}")
        print(f"plain writes:   {plain:8.3f} s  ({args.rows / plain:8.0f} rows/s)")
        print(f"audited writes: {audited:8.3f} s  ({args.rows / audited:8.0f} rows/s)")
        print(f"ratio audited/plain: {audited / plain:.2f}")
        print(f"verify {args.rows} events: {verify:.3f} s ({args.rows / verify:.0f} events/s), "
              f"ratio verify/plain-write: {verify / plain:.3f}, findings: {len(findings)}")
    finally:
        creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()

"""What the audit trail costs: audited writes against the same writes without an audit event, the database's
guard on the chain head (appends with its triggers against appends without them), a step's events over many rows
appended as one batch against one by one, and the speed of `audit verify` and of `audit checkpoint`, measured in one
run on a fresh database.

    .venv/bin/python bench/audit_trail.py [--rows 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_minsheng .venv/bin/python bench/audit_trail.py

Prints ratios (audited ÷ plain), never passes or fails on time.
"""

import argparse
import importlib
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
    os.environ["AUDIT_CHECKPOINTS_FILE"] = str(Path(workdir) / "audit-checkpoints.jsonl")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment  # noqa: F401 (keeps Django's test DB helpers importable)
    from tqdm import tqdm

    from minsheng.core import audit, checkpoints
    from minsheng.core.identifiers import make_credit_code
    from minsheng.core.models import AuditEvent
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

        # The head's guard (migration 0003) checks each move of the head; alternate blocks of appends with and
        # without its triggers, so that a slow moment of the machine falls on both sides.
        head_guard = importlib.import_module("minsheng.core.migrations.0003_audit_head_forward_only")
        statements = head_guard.STATEMENTS[connection.vendor]
        guarded = unguarded = 0.0
        block = max(args.rows // 10, 1)

        def head_triggers(index: int) -> None:
            with connection.cursor() as cursor:
                for sql in statements[index]:
                    cursor.execute(sql)

        def appends() -> float:
            started = time.perf_counter()
            for i in range(block):
                with transaction.atomic():
                    audit.record(action="bench.append", new={"i": i})
            return time.perf_counter() - started

        head_triggers(1)
        for _round in tqdm(range(5), desc="head guard", unit="round", file=sys.stderr):
            head_triggers(0)
            guarded += appends()
            head_triggers(1)
            unguarded += appends()
        head_triggers(0)

        # A step over many rows (core.workflow.move_many) appends its events as one batch in one transaction.
        started = time.perf_counter()
        with transaction.atomic():
            for i in range(block):
                audit.record(action="bench.append", new={"i": i})
        one_by_one = time.perf_counter() - started
        started = time.perf_counter()
        with transaction.atomic():
            audit.record_many(dict(action="bench.append", new={"i": i}) for i in range(block))
        batched = time.perf_counter() - started

        started = time.perf_counter()
        findings = list(audit.verify())
        verify = time.perf_counter() - started
        events = AuditEvent.objects.count()

        checkpoints_file = Path(workdir) / "audit-checkpoints.jsonl"
        started = time.perf_counter()
        for _ in range(20):
            checkpoints.write("command")
        checkpoint = (time.perf_counter() - started) / 20
        started = time.perf_counter()
        trail = checkpoints.verify_trail()
        verify_with_checkpoints = time.perf_counter() - started

        print(f"database: {connection.vendor} ({test_db})")
        print(f"rows: {args.rows}")
        print(f"plain writes:   {plain:8.3f} s  ({args.rows / plain:8.0f} rows/s)")
        print(f"audited writes: {audited:8.3f} s  ({args.rows / audited:8.0f} rows/s)")
        print(f"ratio audited/plain: {audited / plain:.2f}")
        print(f"appends with the head guard: {guarded:.3f} s, without: {unguarded:.3f} s "
              f"({5 * block} each), ratio guarded/unguarded: {guarded / unguarded:.2f}")
        print(f"{block} events in one transaction: one by one {one_by_one:.3f} s, as one batch {batched:.3f} s, "
              f"ratio batch/one-by-one: {batched / one_by_one:.2f}")
        print(f"verify {events} events: {verify:.3f} s ({events / verify:.0f} events/s), "
              f"ratio verify/plain-write: {verify / plain:.3f}, findings: {len(findings)}")
        print(f"audit checkpoint: {checkpoint * 1000:.1f} ms each ({checkpoints_file.stat().st_size} bytes for 20); "
              f"verify with 20 checkpoints: {verify_with_checkpoints:.3f} s, ratio to verify alone: "
              f"{verify_with_checkpoints / verify:.2f}, findings: {len(trail.findings)}")
    finally:
        creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()

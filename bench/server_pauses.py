"""Pauses in a real server: a page asked many times in a row, through gunicorn, with and without the start-up freeze.

    .venv/bin/python bench/server_pauses.py [--requests 300]

A Python process collects cyclic garbage in passes; every so often a full pass scans every object the process
holds. A server holds about 170,000 objects from start-up alone (modules, classes, URL patterns), so such a pass is
a pause of tens of milliseconds in whichever request sets it off, and that request is the slow one of a p95 or a
p99. minsheng/wsgi.py imports every view at start and then freezes what start-up made (`gc.freeze()`), so the full
passes leave it out.

In a scratch folder with production settings (DEBUG off, collected static files, the demo), this starts gunicorn
with one worker and one thread twice, in turns: with `minsheng.wsgi`, and with the reference, Django's own WSGI
handler with nothing done after start-up. The demo's auditor signs in and asks each page --requests times; the bench
prints per page and server the median, p95, p99, slowest and how many requests took over twice the median, and the
ratio of the slowest to the reference's. Never passes or fails on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = ("/calls/", "/audit/", "/projects/")
REFERENCE = '''import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
application = get_wsgi_application()
'''
sys.path.insert(0, str(ROOT / "bench"))
from deadline_day import Applicant, _run, start_server  # noqa: E402
from pages import percentile  # noqa: E402


def timed(auditor: Applicant, page: str, count: int, bar) -> list[float]:
    """`count` requests of the page after a warm-up (templates, catalogues), in ms."""
    auditor.request(page, page)
    for _ in range(count):
        auditor.request(page, page)
        bar.update()
    return [seconds * 1000 for seconds in auditor.timings[page][1:]]


def summary(times: list[float]) -> dict[str, float]:
    median = statistics.median(times)
    return {"p50": median, "p95": percentile(times, 0.95), "p99": percentile(times, 0.99), "max": max(times),
            "slow": sum(1 for t in times if t > 2 * median)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page, server and turn")
    parser.add_argument("--turns", type=int, default=2, help="times each server is started and measured")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="minsheng-pauses-"))
    (scratch / "reference_wsgi.py").write_text(REFERENCE)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "minsheng.settings", "MINSHENG_VAR": str(scratch), "DEBUG": "0",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECOND_FACTOR_REQUIRED": "0", "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(scratch), "DATABASE_URL": f"sqlite:///{scratch / 'minsheng.sqlite3'}"}
    minsheng = str(BIN / "minsheng")
    for command in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"],
                    ["demo", "--no-progress"]):
        _run([minsheng, *command], env, command[0])

    servers = {"minsheng.wsgi": "minsheng.wsgi (frozen start-up)", "reference_wsgi": "reference (Django's handler)"}
    times: dict[tuple[str, str], list[float]] = {(s, p): [] for s in servers for p in PAGES}
    failures: list[tuple[str, str]] = []
    with tqdm(total=args.turns * len(servers) * len(PAGES) * args.requests, unit="request") as bar:
        for _turn in range(args.turns):
            for module in servers:
                server, base = start_server(env, scratch / "server.log", workers=1, threads=1, module=module)
                try:
                    auditor = Applicant(base, "auditor", 0, "10.0.0.1", defaultdict(list), failures)
                    auditor.sign_in()
                    for page in PAGES:
                        times[module, page] += timed(auditor, page, args.requests, bar)
                finally:
                    server.terminate()
                    server.wait()

    if failures:
        sys.exit("requests failed:\n" + "\n".join(text for _step, text in failures[:10]))
    print(f"\n{args.turns} × {args.requests} requests per page and server, one at a time; ms")
    print(f"{'page':<12} {'server':<34} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} {'>2×p50':>7} {'max/ref':>8}")
    for page in PAGES:
        reference = summary(times["reference_wsgi", page])
        for module, name in servers.items():
            s = summary(times[module, page])
            print(f"{page:<12} {name:<34} {s['p50']:6.1f} {s['p95']:6.1f} {s['p99']:6.1f} {s['max']:6.1f} "
                  f"{s['slow']:7d} {s['max'] / reference['max']:8.2f}")


if __name__ == "__main__":
    main()

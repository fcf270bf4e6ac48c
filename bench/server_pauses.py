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
import http.cookiejar
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Minsheng@2026"
PAGES = ("/calls/", "/audit/", "/projects/")
REFERENCE = '''import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
application = get_wsgi_application()
'''
sys.path.insert(0, str(ROOT / "bench"))
from deadline_day import _free_port, _run  # noqa: E402


def start(module: str, env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), module, "-b", f"127.0.0.1:{port}", "-w", "1", "--worker-class", "gthread",
         "--threads", "1", "--log-level", "warning"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=log.open("a"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/livez", timeout=2)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"{module} did not start; see {log}")


def signed_in(base: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "auditor", "password": PASSWORD})
    opener.open(urllib.request.Request(base + "/accounts/login/", data=form.encode(),
                                       headers={"Referer": base + "/accounts/login/"})).read()
    return opener


def timed(opener, url: str, count: int, bar) -> list[float]:
    opener.open(url).read()                     # warm-up: templates, catalogues
    times = []
    for _ in range(count):
        started = time.perf_counter()
        with opener.open(url) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
        bar.update()
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    median = statistics.median(ordered)
    return {"p50": median, "p95": ordered[math.ceil(0.95 * len(ordered)) - 1],
            "p99": ordered[math.ceil(0.99 * len(ordered)) - 1], "max": ordered[-1],
            "slow": sum(1 for t in ordered if t > 2 * median)}


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
    with tqdm(total=args.turns * len(servers) * len(PAGES) * args.requests, unit="request") as bar:
        for _turn in range(args.turns):
            for module in servers:
                server, base = start(module, env, scratch / "server.log")
                try:
                    opener = signed_in(base)
                    for page in PAGES:
                        times[module, page] += timed(opener, base + page, args.requests, bar)
                finally:
                    server.terminate()
                    server.wait()

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

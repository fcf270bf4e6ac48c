"""Deadline day: many applicants saving and submitting at the same moment, against a real server (quality promise 15).

    .venv/bin/python bench/deadline_day.py                        # 200 applicants, scratch SQLite, gunicorn 4×4
    .venv/bin/python bench/deadline_day.py --database-url postgres://postgres@127.0.0.1:5432/bench_dd
    .venv/bin/python bench/deadline_day.py --applicants 20          # a quick check
    .venv/bin/python bench/deadline_day.py --think 20               # each person pauses ~20 s between requests

In a scratch folder (MINSHENG_VAR), with production settings (DEBUG off, collected static files, WhiteNoise, the
shared database cache, Argon2id at the configured cost), gunicorn as the README runs it (4 workers × 4 threads):
1. migrate, load the demo, and give each applicant organisation a complete application in the open demo call,
   written through the platform's own services, so that every virtual applicant has one ready to submit; the demo's
   forty-odd organisations are topped up with audited copies of one of its enterprises up to the number asked for;
2. start gunicorn behind a notional proxy (TRUSTED_PROXY_COUNT=1, each virtual applicant with its own address);
3. reference: one applicant alone runs the profile — sign in, open the application, autosave the summary five times,
   open the submit page, submit, open the application — and its latencies are the reference;
4. load: every other applicant runs the same profile, all released at the same moment by a barrier, either with no
   pause between requests (the worst case: the whole crowd's work arrives at once) or, with --think, pausing about
   as long as a person reads and types between them (the autosave fires 1.2 s after the last keystroke);
5. prints per step the count, server errors, median and p95 latency and the ratio of p95 under load to p95 alone,
   sign-in (one Argon2id check each) apart from the saves and submissions, and the load average of the machine
   before and after (this bench's own client threads share the machine with the server);
   then checks in the database that every application was submitted exactly once and the audit chain verifies.

Prints figures and never fails on time. Exits 1 if a request failed (5xx, refused connection) or a submission was
lost: those are bugs, not slowness. The target for p95 under load is printed beside the figures.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from pages import percentile  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "Minsheng@2026"
SAVES = 5
TARGET_P95 = 1.0   # seconds, for a save or a submission with every applicant at once

SETUP = r'''
import json, random, sys
from datetime import timedelta
import django
django.setup()
from minsheng.applications import services
from minsheng.applications.models import Application
from minsheng.core import clock
from minsheng.core.identifiers import make_credit_code
from minsheng.core.services import create_audited
from minsheng.demo import applications as demo
from minsheng.demo.calls import demo_call
from minsheng.registry.models import Organisation, Person

wanted = int(sys.argv[1])
call = demo_call()
taken = set(Application.objects.filter(call=call).values_list("organisation_id", flat=True))
free = [o for o in Organisation.objects.filter(state="verified").order_by("pk")
        if o.pk not in taken and Person.objects.filter(organisation=o).count() >= 1]
organisations = free[:wanted]
# The demo has about forty applicant organisations: the others are copies of an enterprise the call admits, each with
# its own credit code, name and project lead, written through the audited service like every registry row.
template = next(o for o in free if o.kind == "enterprise")
lead = Person.objects.filter(organisation=template).order_by("pk").first()
rng = random.Random(7)
serial = 0
while len(organisations) < wanted:
    serial += 1
    code = make_credit_code(rng, division="440305", registrar="91")
    if Organisation.objects.filter(credit_code=code).exists():
        continue
    organisation = Organisation.objects.get(pk=template.pk)
    organisation.pk = None
    organisation.credit_code, organisation.name_zh, organisation.name_en = code, f"截止日压力测试单位{serial:03d}", ""
    organisation.contact_email = f"bench{serial:03d}@deadline.minsheng.cn"
    organisation.verified_at = clock.now() - timedelta(days=100)
    create_audited(organisation, by=None, reason="deadline-day bench")
    person = Person.objects.get(pk=lead.pk)
    person.pk = None
    person.organisation, person.email = organisation, f"lead{serial:03d}@deadline.minsheng.cn"
    person.in_expert_pool = False
    create_audited(person, by=None, reason="deadline-day bench")
    organisations.append(organisation)
ready = []
for index, organisation in enumerate(organisations):
    user = demo._user_for(organisation, 100 + index)
    text = demo.HEALTH[index % len(demo.HEALTH)]
    text = (f"{text[0]}（截止日测试{index:03d}）", *text[1:])
    application, _ = demo._ensure(call, organisation, user, text, rng, own_percent=40)
    refusal = services.submit_refusal(application)
    if refusal:
        raise SystemExit(f"{application.number} cannot be submitted: {refusal}")
    ready.append({"username": user.username, "pk": application.pk})
from django.contrib.auth.hashers import get_hasher
hasher = get_hasher()
print(json.dumps({"ready": ready, "argon2": f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"}))
'''

CHECK = r'''
import json, sys
import django
django.setup()
from minsheng.applications.models import Application
from minsheng.core import audit
from minsheng.core.models import AuditEvent
pks = json.loads(sys.argv[1])
states = {a.pk: a.state for a in Application.objects.filter(pk__in=pks)}
submits = AuditEvent.objects.filter(action="applications.application.submit", target_id__in=[str(p) for p in pks])
per_app = {}
for target in submits.values_list("target_id", flat=True):
    per_app[target] = per_app.get(target, 0) + 1
print(json.dumps({"submitted": sum(1 for s in states.values() if s == "submitted"),
                  "submit_events": per_app, "audit_findings": len(list(audit.verify()))}))
'''


class FormFields(HTMLParser):
    """The fields of the first form marked data-ms-autosave (what a browser would post back)."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "data-ms-autosave" in a:
            self.inside = True
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


class Applicant:
    """One browser: its own cookies and its own address (X-Forwarded-For), timing every request it makes."""

    def __init__(self, base: str, username: str, pk: int, address: str, timings: dict, failures: list,
                 think: float = 0.0):
        self.base, self.username, self.pk, self.address, self.think = base, username, pk, address, think
        self.pause = random.Random(address)
        self.timings, self.failures = timings, failures
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, step: str, path: str, data: list | None = None, headers: dict | None = None) -> tuple[int, str]:
        if self.think and step not in ("sign-in page", "sign in"):
            time.sleep(self.pause.uniform(0.5, 1.5) * self.think)   # a person reading and typing between requests
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={
            "X-Forwarded-For": self.address, "Accept-Language": "zh-hans",
            **({"X-CSRFToken": self._csrf(), "Referer": self.base + path} if body is not None else {}),
            **(headers or {})})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except OSError as error:
            status, text = 0, str(error)
        self.timings[step].append(time.perf_counter() - started)
        if status == 0 or status >= 500 or status == 429:
            self.failures.append((step, f"{self.username} {path}: {status} {text[:200]}"))
        return status, text

    def sign_in(self) -> None:
        self.request("sign-in page", "/accounts/login/")
        self.request("sign in", "/accounts/login/", [("csrfmiddlewaretoken", self._csrf()),
                                                    ("username", self.username), ("password", PASSWORD)])

    def run(self, barrier: threading.Barrier | None = None) -> None:
        self.sign_in()
        if barrier is not None:
            barrier.wait()
        _, page = self.request("open section", f"/applications/{self.pk}/edit/summary/")
        parser = FormFields()
        parser.feed(page)
        fields = dict(parser.fields)
        if "version" not in fields:
            self.failures.append(("open section", f"{self.username}: the summary form did not load"))
            return
        for n in range(SAVES):
            fields["summary"] = re.sub(r"（第\d+次保存）$", "", fields.get("summary", "")) + f"（第{n + 1}次保存）"
            status, text = self.request("autosave", f"/applications/{self.pk}/edit/summary/", list(fields.items()),
                                        {"X-Autosave": "1"})
            if status == 200:
                fields["version"] = str(json.loads(text)["version"])
            else:
                self.failures.append(("autosave", f"{self.username}: {status} {text[:200]}"))
        self.request("submit page", f"/applications/{self.pk}/submit/")
        self.request("submit", f"/applications/{self.pk}/submit/", [("csrfmiddlewaretoken", self._csrf())])
        self.request("application page", f"/applications/{self.pk}/")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, log: Path, workers: int, threads: int,
                 module: str = "minsheng.wsgi") -> tuple[subprocess.Popen, str]:
    """gunicorn as the README runs it, on a free port, once it answers /healthz: the process and its address."""
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), module, "-b", f"127.0.0.1:{port}", "-w", str(workers), "--worker-class", "gthread",
         "--threads", str(threads), "--timeout", "120", "--log-level", "warning"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=log.open("a"))  # a file, not a pipe: a full pipe would stall its logging
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"the server did not start; see {log}")


def _create_if_missing(url: str) -> None:
    """Create the PostgreSQL database the URL names when it does not exist yet (an existing one is used as it is,
    never dropped)."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True) as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _run(args: list[str], env: dict, what: str) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{what} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def _server_problems(log: Path, shown: int = 8) -> list[str]:
    """The server's warnings and errors (JSON lines), counted by message, each with its exception's last line."""
    counts: dict[str, int] = defaultdict(int)
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("level") in {"WARNING", "ERROR", "CRITICAL"}:
            cause = (entry.get("exception") or "").strip().splitlines()[-1:] or [""]
            counts[f"{entry['level']} {re.sub(r'/[0-9]+/', '/N/', entry.get('message', ''))} {cause[0]}"[:300]] += 1
    return [f"{n}× {text}" for text, n in sorted(counts.items(), key=lambda item: -item[1])[:shown]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=200, help="virtual applicants under load (default 200)")
    parser.add_argument("--database-url", help="an empty database to use (default: a scratch SQLite file)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each applicant pauses between requests after signing in, varied ±50%% "
                             "(default 0: every request at once, the worst case)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="minsheng-deadline-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "minsheng.settings", "MINSHENG_VAR": str(scratch),
           "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECOND_FACTOR_REQUIRED": "0",
           "TRUSTED_PROXY_COUNT": "1", "LOG_LEVEL": "WARNING",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "DATABASE_URL": args.database_url or f"sqlite:///{scratch / 'minsheng.sqlite3'}"}
    minsheng = str(BIN / "minsheng")
    if args.database_url:
        _create_if_missing(args.database_url)
    server = None
    try:
        with tqdm(total=5, desc="setup", unit="step") as bar:
            for command in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"],
                            ["demo", "--no-progress"]):
                _run([minsheng, *command], env, command[0])
                bar.update()
            made = json.loads(_run([sys.executable, "-c", SETUP, str(args.applicants + 1)], env, "applications")
                              .strip().splitlines()[-1])
            ready, argon2 = made["ready"], made["argon2"]
            bar.update()
            if len(ready) < 2:
                sys.exit("the demo has too few applicant organisations for a load run")
            server_log = scratch / "server.log"
            server, base = start_server(env, server_log, args.workers, args.threads)
            bar.update()

        alone: dict[str, list[float]] = defaultdict(list)
        loaded: dict[str, list[float]] = defaultdict(list)
        failures: list[tuple[str, str]] = []
        first, rest = ready[0], ready[1:]
        Applicant(base, first["username"], first["pk"], "10.0.0.1", alone, failures).run()

        load_before = os.getloadavg()[0]
        barrier = threading.Barrier(len(rest))
        crowd = [Applicant(base, r["username"], r["pk"], f"10.0.{1 + i // 250}.{2 + i % 250}", loaded, failures,
                           think=args.think) for i, r in enumerate(rest)]
        threads = [threading.Thread(target=a.run, args=(barrier,)) for a in crowd]
        started = time.perf_counter()
        for t in threads:
            t.start()
        with tqdm(total=len(threads), desc="applicants", unit="applicant") as bar:
            for t in threads:
                t.join()
                bar.update()
        wall = time.perf_counter() - started

        check = json.loads(_run([sys.executable, "-c", CHECK, json.dumps([r["pk"] for r in ready])], env,
                                "check").strip().splitlines()[-1])
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        problems = _server_problems(scratch / "server.log")
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)

    database = "PostgreSQL" if (args.database_url or "").startswith("postgres") else "SQLite"
    pacing = f"pausing {args.think:g} s ±50% between requests" if args.think else "no pause between requests"
    print(f"\n{len(rest)} applicants at once (after 1 alone; {pacing}), {database}, gunicorn "
          f"{args.workers}×{args.threads} threads, {os.cpu_count()} cores; load phase {wall:.1f} s wall; "
          f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"{'step':<18}{'n':>5}{'errors':>8}{'alone p95':>11}{'median':>9}{'p95':>8}{'max':>8}{'p95 ratio':>11}")
    errors_by_step = defaultdict(int)
    for step, _message in failures:
        errors_by_step[step] += 1
    for step in loaded:
        values, reference = loaded[step], alone.get(step) or [float("nan")]
        p95, ref95 = percentile(values, 0.95), percentile(reference, 0.95)
        print(f"{step:<18}{len(values):>5}{errors_by_step.get(step, 0):>8}{ref95:>11.3f}"
              f"{statistics.median(values):>9.3f}{p95:>8.3f}{max(values):>8.3f}{p95 / ref95:>11.1f}")
    writes, reference = loaded["autosave"] + loaded["submit"], alone["autosave"] + alone["submit"]
    print(f"saves and submissions: p95 {percentile(writes, 0.95):.3f} s under load, {percentile(reference, 0.95):.3f}"
          f" s alone (target under load: {TARGET_P95:.1f} s)")
    print(f"sign-in (Argon2id {argon2}): p95 {percentile(loaded['sign in'], 0.95):.3f} s under load, "
          f"median {statistics.median(loaded['sign in']):.3f} s; {percentile(alone['sign in'], 0.95):.3f} s alone")
    once = all(count == 1 for count in check["submit_events"].values()) and len(check["submit_events"]) == len(ready)
    print(f"submitted: {check['submitted']} of {len(ready)}; each submitted exactly once: {once}; "
          f"audit chain findings: {check['audit_findings']}")
    for step, message in failures[:20]:
        print("FAILED", step, message)
    for line in problems:
        print("server log:", line)
    return 1 if failures or not once or check["submitted"] != len(ready) or check["audit_findings"] else 0


if __name__ == "__main__":
    sys.exit(main())

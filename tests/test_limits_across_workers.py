"""The sign-in lock-out and the rate limits hold across worker processes (quality promises 7 and 10).

The platform runs as the README says for production: gunicorn with four gthread workers, DEBUG off, the default
cache, on a scratch database migrated by `minsheng migrate` alone (SQLite, or a scratch PostgreSQL database beside
DATABASE_URL's when that names PostgreSQL). Every request is a new connection, and requests sent at once land in
different workers; the access log's process ids show that they did. Behind a notional proxy (TRUSTED_PROXY_COUNT=1)
each check uses its own client address.

Rate limits count in fixed windows that end at a time jittered per key; each check picks an address (or e-mail
address) whose window has enough time left, and starts again with another if a loaded machine made it outlast the
window, so that no count is cut in two by a window's end.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django_ratelimit.core import _get_window, _split_rate

from minsheng.accounts.views import RESET_ADDRESS_RATE, RESET_EMAIL_RATE
from minsheng.funding.notice_views import OBJECTION_RATE
from minsheng.problems.views import SUBMIT_RATE

pytestmark = pytest.mark.xdist_group("gunicorn")  # one server for the whole module (make test: --dist loadgroup)

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "Workers-Test-2026"
LOCKED_TEXT = "登录失败次数过多"
RESET_ACCOUNTS = 8  # e-mail addresses to choose from, so that one has room in its window
LOCK_ROUNDS = 5  # accounts for the lock-out check: a round is repeated until two workers counted its failures
REPORT = {"title": "海滩海漂垃圾多", "description": "大鹏海滩海漂垃圾多，人工清理跟不上，希望有清理设备。",
          "domain": "D07", "district": "dapeng", "contact_email": "sea@example.cn"}

SETUP = r"""
import json, sys
import django
django.setup()
from minsheng.core.roles import Role
from tests.factories import user_for_role
from tests.factories.funding import frozen_call, plan_in_notice

password, reset_accounts, lock_rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
accounts = [(f"locked_applicant_{n}", f"locked{n}@example.cn") for n in range(lock_rounds)]
accounts += [("other_applicant", "other@example.cn")]
accounts += [(f"reset_applicant_{n}", f"reset{n}@example.cn") for n in range(reset_accounts)]
for username, email in accounts:
    user_for_role(Role.APPLICANT, username=username, email=email, password=password)
plan = plan_in_notice(frozen_call())
print(json.dumps({"plan": plan.pk}))
"""

COUNT = r"""
import json, sys
import django
django.setup()
from django.apps import apps
print(json.dumps({label: apps.get_model(label).objects.count() for label in sys.argv[1:]}))
"""


def _limit(rate: str) -> tuple[int, int]:
    """(count, period in seconds) of a rate such as "10/h"."""
    return _split_rate(rate)


def _with_room(candidates, rate: str, key=lambda value: value, needed: float = 120):
    """The first candidate whose rate-limit window ends at least `needed` seconds from now."""
    _count, period = _limit(rate)
    for value in candidates:
        if _get_window(key(value), period) - time.time() >= min(needed, period * 0.6):
            return value
    raise AssertionError("no candidate with enough time left in its window")


def _in_one_window(candidates, rate: str, attempt, key=lambda value: value):
    """What `attempt(candidate)` returns, for a candidate whose window had room and did not end before the attempt
    did; on a loaded machine an attempt may outlast its window, and is then made again with the next candidate."""
    _count, period = _limit(rate)
    candidates = iter(candidates)
    for _ in range(3):
        value = _with_room(candidates, rate, key)
        ends = _get_window(key(value), period)
        result = attempt(value)
        if time.time() < ends:
            return result
    pytest.fail(f"three attempts in a row outlasted their {period} s rate-limit window")


def _addresses(prefix: str):
    return (f"{prefix}.{n // 250}.{1 + n % 250}" for n in range(10_000))


@dataclass
class Server:
    base: str
    env: dict
    mail: Path
    access_log: Path
    plan: int

    def count(self, *labels: str) -> dict:
        result = subprocess.run([sys.executable, "-c", COUNT, *labels], env=self.env, cwd=REPO, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(result.stdout.strip().splitlines()[-1])


class Visitor:
    """One browser behind the proxy: its own cookies and address; a new connection for every request."""

    def __init__(self, server: Server, address: str):
        self.server, self.address = server, address
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data=None, *, json_body=None, forwarded: str | None = None):
        headers = {"X-Forwarded-For": forwarded or self.address, "Accept-Language": "zh-hans"}
        body = None
        if json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
            headers["Referer"] = self.server.base + path
        request = urllib.request.Request(self.server.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args, env, what):
    result = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{what} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A scratch database: SQLite, or PostgreSQL beside the one DATABASE_URL names."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('workers') / 'minsheng.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/')}_workers_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def server(tmp_path_factory, database_url):
    scratch = tmp_path_factory.mktemp("gunicorn")
    inherited = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env = {**inherited, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
           "DJANGO_SETTINGS_MODULE": "minsheng.settings", "MINSHENG_VAR": str(scratch), "DATABASE_URL": database_url,
           "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "TRUSTED_PROXY_COUNT": "1", "LOG_LEVEL": "WARNING",
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
           "EMAIL_FILE_PATH": str(scratch / "mail")}
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        _run([sys.executable, "-m", "minsheng", *command, "-v", "0"], env, command[0])
    made = _run([sys.executable, "-c", SETUP, PASSWORD, str(RESET_ACCOUNTS), str(LOCK_ROUNDS)], env, "set-up")
    plan = json.loads(made.strip().splitlines()[-1])["plan"]
    port, access_log = _free_port(), scratch / "access.log"
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "minsheng.wsgi", "-b", f"127.0.0.1:{port}", "-w", "4", "--worker-class", "gthread",
         "--threads", "4", "--timeout", "120", "--access-logfile", str(access_log),
         "--access-logformat", "%(p)s %(m)s %(U)s %(s)s"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {process.stderr.read()[-4000:]}")
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer within a minute")
        yield Server(base=base, env=env, mail=scratch / "mail", access_log=access_log, plan=plan)
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(scratch, ignore_errors=True)


def _access_log(server: Server) -> list[str]:
    return server.access_log.read_text().splitlines() if server.access_log.exists() else []


def _workers_that_answered(server: Server, path_prefix: str, lines: list[str] | None = None) -> set[str]:
    lines = _access_log(server) if lines is None else lines
    return {line.split()[0] for line in lines if len(line.split()) >= 4 and line.split()[2].startswith(path_prefix)}


def test_the_account_locks_after_exactly_the_stated_number_of_failures(server):
    failures = settings.LOCKOUT_ACCOUNT_FAILURES
    assert failures == 5
    # An idle gunicorn may hand consecutive connections to the same worker, so the failures before the last are
    # sent at once; a round in which one worker happened to take them all is repeated with another account.
    for round_ in range(LOCK_ROUNDS):
        username, seen = f"locked_applicant_{round_}", len(_access_log(server))
        visitor = Visitor(server, f"10.1.0.{1 + round_}")
        visitor.request("/accounts/login/")

        def sign_in(password, username=username, visitor=visitor):
            return visitor.request("/accounts/login/", {"username": username, "password": password})

        with ThreadPoolExecutor(failures - 1) as pool:
            answers = list(pool.map(lambda _: sign_in("Wrong-Password-1"), range(failures - 1)))
        assert all(status == 200 and LOCKED_TEXT not in page for status, _h, page in answers), (
            f"locked before {failures} failures")
        status, _headers, page = sign_in("Wrong-Password-1")
        assert status == 200 and LOCKED_TEXT in page, f"not locked after {failures} failures"
        status, _headers, page = sign_in(PASSWORD)
        assert status == 200 and LOCKED_TEXT in page        # the right password is refused while locked
        # The same address is not locked (5 of its 20): another account signs in with its right password.
        status, headers, _page = visitor.request("/accounts/login/", {"username": "other_applicant",
                                                                      "password": PASSWORD})
        assert status == 302 and headers["Location"] == "/accounts/home/"
        if len(_workers_that_answered(server, "/accounts/login/", _access_log(server)[seen:])) >= 2:
            return
    pytest.fail(f"in {LOCK_ROUNDS} rounds one worker answered every sign-in of the round")


def test_anonymous_problem_reports_stop_at_the_limit_across_workers(server):
    limit, _period = _limit(SUBMIT_RATE)

    def attempt(address):
        before = server.count("problems.Problem")["problems.Problem"]
        visitors = [Visitor(server, address) for _ in range(4 * limit)]
        # Four at a time: enough to interleave the workers, few enough that no write waits out SQLite's lock timeout
        # on a busy machine.
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda v: v.request("/api/v1/problems/public/", json_body=REPORT), visitors))
        return answers, server.count("problems.Problem")["problems.Problem"] - before

    answers, created = _in_one_window(_addresses("10.2"), SUBMIT_RATE, attempt,
                                      key=lambda address: f"address:{address}")
    assert Counter(status for status, _h, _b in answers) == {201: limit, 429: 3 * limit}
    refused = next(body for status, _h, body in answers if status == 429)
    assert set(json.loads(refused)) >= {"detail", "request_id"}
    assert created == limit
    # Another address still reports.
    assert Visitor(server, "10.2.200.1").request("/api/v1/problems/public/", json_body=REPORT)[0] == 201
    assert len(_workers_that_answered(server, "/api/v1/problems/public/")) >= 2


def test_objections_stop_at_the_limit_across_workers(server):
    limit, _period = _limit(OBJECTION_RATE)
    path = f"/notices/{server.plan}/"
    objection = {"line": "", "name": "市民", "contact": "13800000000", "text": "对资助方案有异议，请核实。"}

    def attempt(address):
        before = server.count("funding.Objection")["funding.Objection"]
        visitors = [Visitor(server, address) for _ in range(2 * limit)]
        for visitor in visitors:
            assert visitor.request(path)[0] == 200
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda v: v.request(path, objection), visitors))
        return answers, server.count("funding.Objection")["funding.Objection"] - before

    answers, lodged = _in_one_window(_addresses("10.3"), OBJECTION_RATE, attempt,
                                     key=lambda address: f"address:{address}")
    # Accepted objections redirect back to the notice.
    assert Counter(status for status, _h, _b in answers) == {302: limit, 429: limit}
    assert lodged == limit
    assert len(_workers_that_answered(server, path)) >= 2


def test_the_reset_mail_goes_out_at_most_the_stated_number_of_times(server):
    limit, _period = _limit(RESET_EMAIL_RATE)
    address = _with_room(_addresses("10.4"), RESET_ADDRESS_RATE)

    def attempt(email):
        visitors = [Visitor(server, address) for _ in range(2 * limit)]
        for visitor in visitors:
            visitor.request("/accounts/password/reset/")
        with ThreadPoolExecutor(4) as pool:
            return email, list(pool.map(lambda v: v.request("/accounts/password/reset/", {"email": email}),
                                        visitors))

    email, answers = _in_one_window((f"reset{n}@example.cn" for n in range(RESET_ACCOUNTS)), RESET_EMAIL_RATE,
                                    attempt)
    # Every request gets the same answer, mail or not: nothing tells the requester about the limit.
    assert {(status, headers.get("Location")) for status, headers, _b in answers} == {
        (302, "/accounts/password/reset/sent/")}
    # The mail is queued by the web servers and sent by the worker, as in production.
    _run([sys.executable, "-m", "minsheng", "worker", "--batch"], server.env, "worker")
    recipients = [to for path in server.mail.glob("*.log")
                  for to in re.findall(r"^To: (.+)$", path.read_text(), flags=re.MULTILINE)]
    assert recipients.count(email) == limit
    assert len(_workers_that_answered(server, "/accounts/password/reset/")) >= 2


def test_the_api_throttles_anonymous_callers_across_workers(server):
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]
    limit, _period = _limit(rate)

    def attempt(address):
        visitors = [Visitor(server, address) for _ in range(limit + 10)]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda v: v.request("/api/v1/clauses/"), visitors))
        after = Visitor(server, address).request("/api/v1/clauses/")
        # A client cannot escape by writing its own X-Forwarded-For: only the proxy's last hop is believed.
        forged = Visitor(server, address).request("/api/v1/clauses/", forwarded=f"203.0.113.9, {address}")
        return answers, after, forged

    answers, (status, headers, body), forged = _in_one_window(_addresses("10.5"), rate, attempt,
                                                              key=lambda address: f"address:{address}")
    assert Counter(status for status, _h, _b in answers) == {200: limit, 429: 10}
    assert status == 429 and int(headers["Retry-After"]) >= 1
    answer = json.loads(body)
    assert set(answer) == {"detail", "request_id"} and "限流" in answer["detail"]
    assert forged[0] == 429
    assert Visitor(server, "10.5.250.1").request("/api/v1/clauses/")[0] == 200
    assert len(_workers_that_answered(server, "/api/v1/clauses/")) >= 2

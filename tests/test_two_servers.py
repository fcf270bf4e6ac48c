"""The platform on several servers (issue 15): two gunicorn servers, one job worker, PostgreSQL and Redis.

scripts/cluster.py starts them as docs/deployment.md describes production (DEBUG off, the platform's PostgreSQL
role owning no table, Redis for the cache and the sessions, one shared uploads folder, the same keys, each server
with a folder of its own). Everything here goes over real HTTP, as a browser behind a load balancer would send it:
the sign-in form with its CSRF token, the upload form with its version field.

A session begun on server A is valid on B (and ended there, it is ended on A); sign-in failures sent to both lock
the account at the stated count; a rate limit counts the requests sent to both; a mail queued by A is sent by the
worker; a file uploaded through A downloads through B. The script's `status` reports every process and both
servers healthy, and `down` leaves no process, no Redis key and no database behind.

PostgreSQL and Redis are needed (Redis: a server at 127.0.0.1:6379, else Debian's redis-server, started by the
script). Without them the test is skipped on a developer's machine and fails in CI (CI or MINSHENG_REQUIRE_REDIS).
`make test-servers` runs it as its own stage; the other stages leave it out (marker `servers`).
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from minsheng.accounts.views import RESET_ADDRESS_RATE
from minsheng.problems.models import Problem
from minsheng.problems.views import SUBMIT_RATE
from tests.test_limits_across_workers import REPORT, _addresses, _in_one_window, _limit, _with_room

pytestmark = [pytest.mark.servers, pytest.mark.xdist_group("cluster")]  # one cluster for the module

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("cluster", REPO / "scripts" / "cluster.py")
cluster_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cluster_script)

PASSWORD = "Two-Servers-2026"
LOCKED_TEXT = "登录失败次数过多"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + os.urandom(64)

SETUP = r"""
import json, sys
import django
django.setup()
from minsheng.core.roles import Role
from tests.factories import PersonFactory, user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.calls import CallFactory

password = sys.argv[1]
for username in ("session_applicant", "locked_applicant"):
    user_for_role(Role.APPLICANT, username=username, email=f"{username}@example.cn", password=password)
user_for_role(Role.APPLICANT, username="reset_applicant", email="reset_applicant@example.cn", password=password)
uploader = user_for_role(Role.APPLICANT, username="upload_applicant", email="upload@example.cn", password=password)
draft = ApplicationFactory(call=CallFactory(), organisation=uploader.organisation, created_by=uploader,
                           lead=PersonFactory(organisation=uploader.organisation, name="王主任"))
print(json.dumps({"application": draft.pk}))
"""


def _required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("MINSHENG_REQUIRE_REDIS"))


def _postgres_admin_url() -> str:
    """The PostgreSQL server the tests use (TEST_DATABASE_URL, else DATABASE_URL when it names PostgreSQL), as an
    administrator's URL for the `postgres` database; else the script's default, 127.0.0.1:5432."""
    for name in ("TEST_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgres"):
            return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    return cluster_script.DEFAULT_POSTGRES


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    running = cluster_script.Cluster(
        directory=tmp_path_factory.mktemp("cluster"), database=f"minsheng_two_servers_{worker}_{uuid.uuid4().hex[:6]}",
        ports=(cluster_script.free_port(), cluster_script.free_port()), postgres=_postgres_admin_url())
    started = time.monotonic()
    try:
        running.up()
    except cluster_script.Unavailable as error:
        if _required():
            pytest.fail(f"the two-server cluster did not start: {error}")
        pytest.skip(f"no cluster here: {error}")
    try:
        env = {**running.environment("release"), "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
        made = subprocess.run([sys.executable, "-c", SETUP, PASSWORD], env=env, cwd=REPO, capture_output=True,
                              text=True, timeout=300)
        assert made.returncode == 0, made.stderr[-4000:]
        running.application = json.loads(made.stdout.strip().splitlines()[-1])["application"]
        print(f"\ncluster up with its accounts in {time.monotonic() - started:.1f} s")
        yield running
    finally:
        processes = dict(running.processes)
        running.down(quiet=True)
    # `down` leaves nothing running and drops what it created.
    assert not [name for name, pid in processes.items() if cluster_script.alive(pid)]
    assert not running.state_file.exists()
    assert not _redis(running).keys(f"{running.redis_prefix}:*")
    import psycopg

    with psycopg.connect(running.postgres, autocommit=True) as connection:
        assert not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [running.database]).fetchall()


class Browser:
    """One person's browser behind the load balancer: one cookie jar for both servers (cookies do not depend on
    the port), a client address of its own (X-Forwarded-For, as the proxy adds it), no redirect followed."""

    def __init__(self, cluster, address: str):
        self.cluster, self.address = cluster, address
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def session(self) -> str:
        return next((c.value for c in self.jar if c.name == "sessionid"), "")

    def request(self, server: int, path: str, data: dict | None = None, *, json_body=None, files=None):
        """(status, headers, body bytes) of one request to server 0 (A) or 1 (B)."""
        base = self.cluster.urls[server]
        headers = {"X-Forwarded-For": self.address, "Accept-Language": "zh-hans"}
        body = None
        if json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif files is not None:
            body, headers["Content-Type"] = _multipart({"csrfmiddlewaretoken": self.csrf(), **(data or {})}, files)
            headers["Referer"] = base + path
        elif data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
            headers["Referer"] = base + path
        request = urllib.request.Request(base + path, data=body, headers=headers)  # noqa: S310 (local servers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def page(self, server: int, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        status, headers, body = self.request(server, path, data)
        return status, headers, body.decode(errors="replace")

    def sign_in(self, server: int, username: str, password: str = PASSWORD) -> tuple[int, dict, str]:
        """The sign-in form as a person uses it: open the page (the CSRF cookie), then post it."""
        assert self.page(server, "/accounts/login/")[0] == 200
        return self.page(server, "/accounts/login/", {"username": username, "password": password})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, (filename, content, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _redis(cluster):
    import redis

    return redis.Redis.from_url(cluster.redis_url)


def _rows(cluster, query: str, *params) -> list[tuple]:
    """Rows of the cluster's database, read as the platform's role; {model} names a model's table."""
    import psycopg
    from psycopg import sql

    tables = {"problems": Problem._meta.db_table, "jobs": DBTaskResult._meta.db_table}
    statement = sql.SQL(query).format(**{name: sql.Identifier(table) for name, table in tables.items()})
    with psycopg.connect(cluster.environment("release")["DATABASE_URL"]) as connection:
        return connection.execute(statement, params).fetchall()


def test_the_script_reports_every_process_running_and_both_servers_healthy(cluster):
    status = subprocess.run([sys.executable, str(REPO / "scripts" / "cluster.py"), "status", "--dir",
                             str(cluster.directory)], capture_output=True, text=True, timeout=60)
    assert status.returncode == 0, status.stdout + status.stderr
    assert status.stdout.count("/healthz: ok") == 2
    assert status.stdout.count("运行中 / process") == len(cluster.processes)
    assert {"web-a", "web-b", "worker", "scheduler"} <= set(cluster.processes)


def test_a_session_signed_in_on_one_server_is_valid_on_the_other(cluster):
    browser = Browser(cluster, "10.30.0.1")
    status, headers, _page = browser.sign_in(0, "session_applicant")
    assert (status, headers["Location"]) == (302, "/accounts/home/")
    # The session lives in Redis (SESSION_STORE=cached_db), under the cluster's key prefix.
    key = f"{cluster.redis_prefix}:1:django.contrib.sessions.cached_db{browser.session()}"
    assert _redis(cluster).exists(key)
    status, _headers, page = browser.page(1, "/accounts/home/")
    assert status == 200 and "session_applicant" in page
    # Signed out through B, the session is gone on A too.
    assert browser.page(1, "/accounts/logout/", {})[0] == 302
    assert not _redis(cluster).exists(key)
    status, headers, _page = browser.page(0, "/accounts/home/")
    assert status == 302 and headers["Location"].startswith("/accounts/login/")


def test_sign_in_failures_sent_to_both_servers_lock_the_account(cluster):
    browser = Browser(cluster, "10.31.0.1")
    answers = [browser.sign_in(attempt % 2, "locked_applicant", "Wrong-Password-1") for attempt in range(5)]
    # Three failures on A and two on B: a per-server count would stop at three and never lock.
    assert all(status == 200 and LOCKED_TEXT not in page for status, _h, page in answers[:4])
    assert answers[4][0] == 200 and LOCKED_TEXT in answers[4][2]
    status, _headers, page = browser.sign_in(1, "locked_applicant")     # the right password, on B
    assert status == 200 and LOCKED_TEXT in page and not browser.session()


def test_a_rate_limit_counts_the_requests_sent_to_both_servers(cluster):
    limit, _period = _limit(SUBMIT_RATE)

    def attempt(address):
        before = _rows(cluster, "SELECT count(*) FROM {problems}")[0][0]
        browser = Browser(cluster, address)
        answers = [browser.request(n % 2, "/api/v1/problems/public/", json_body=REPORT) for n in range(2 * limit)]
        return answers, _rows(cluster, "SELECT count(*) FROM {problems}")[0][0] - before

    answers, created = _in_one_window(_addresses("10.32"), SUBMIT_RATE, attempt,
                                      key=lambda address: f"address:{address}")
    assert Counter(status for status, _h, _b in answers) == {201: limit, 429: limit}
    assert created == limit
    # Both servers accepted reports and both refused them: one count, not one per server.
    by_server = Counter((n % 2, status) for n, (status, _h, _b) in enumerate(answers))
    assert by_server[(0, 201)] and by_server[(1, 201)] and by_server[(0, 429)] and by_server[(1, 429)]


def test_a_mail_queued_by_one_server_is_sent_by_the_worker(cluster):
    browser = Browser(cluster, _with_room(_addresses("10.33"), RESET_ADDRESS_RATE,
                                          key=lambda address: f"address:{address}"))
    assert browser.page(0, "/accounts/password/reset/")[0] == 200
    status, headers, _page = browser.page(0, "/accounts/password/reset/", {"email": "reset_applicant@example.cn"})
    assert (status, headers["Location"]) == (302, "/accounts/password/reset/sent/")
    deadline, sent = time.monotonic() + 30, []
    while not sent and time.monotonic() < deadline:
        sent = [path for path in cluster.mail.glob("*.log")
                if "To: reset_applicant@example.cn" in path.read_text(errors="replace")]
        time.sleep(0.2)
    assert sent, "the worker did not send the reset mail within 30 s"
    # The web server only queued it: the job's row names the worker that ran it.
    worker_id = re.search(r"worker_id=(\S+)", (cluster.logs / "worker.log").read_text()).group(1)
    jobs = _rows(cluster, "SELECT status, worker_ids FROM {jobs} "
                          "WHERE args_kwargs::text LIKE %s", "%reset_applicant@example.cn%")
    assert jobs == [("SUCCESSFUL", [worker_id])]


def test_a_file_uploaded_through_one_server_downloads_through_the_other(cluster):
    browser = Browser(cluster, "10.34.0.1")
    assert browser.sign_in(0, "upload_applicant")[0] == 302
    path = f"/applications/{cluster.application}/attachments/"
    status, _headers, page = browser.page(0, path)
    assert status == 200
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    status, headers, _body = browser.request(0, path, {"kind": "other", "version": version},
                                             files={"file": ("承诺书.pdf", PDF, "application/pdf")})
    assert (status, headers.get("Location")) == (302, path)
    status, _headers, page = browser.page(1, path)
    assert status == 200 and "承诺书.pdf" in page
    link = re.search(rf'href="({path}\d+/)"', page).group(1)
    status, headers, body = browser.request(1, link)
    assert status == 200 and body == PDF and headers["Content-Type"] == "application/pdf"
    # One file in the shared folder, none in either server's own.
    assert [p.read_bytes() for p in cluster.uploads.rglob("*.pdf")] == [PDF]
    assert not list((cluster.directory / "web-a").rglob("*.pdf")) + list((cluster.directory / "web-b").rglob("*.pdf"))

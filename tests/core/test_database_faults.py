"""A database that another connection holds locked is answered honestly: a write gets 503 "try again in a moment"
with Retry-After (a page in the user's language, JSON in the API's error format), logged with the request id,
never a bare 500; a page that only reads still works (the session is not written on every request); /healthz
says the database cannot be written while /livez stays up; and once the lock is gone the same form goes through.

The lock is real and held by a second connection: on SQLite, `BEGIN IMMEDIATE` on a file copy of the test database
(the in-memory test database cannot be shared with another connection the way a file is); on PostgreSQL,
`LOCK TABLE … IN EXCLUSIVE MODE` on every table, which lets reads through and stops every write. The requests run
in a thread whose connection waits one second for a lock instead of DATABASE_LOCK_TIMEOUT.
"""

import sqlite3
import threading
import time
from contextlib import closing, contextmanager
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minsheng.contracts import services
from minsheng.contracts.models import Expenditure, Tranche
from minsheng.core.middleware import SESSION_ACTIVITY_KEY
from minsheng.core.roles import Role
from tests.contracts.helpers import first_paid
from tests.core.test_operations import log_lines  # noqa: F401 (a fixture)
from tests.factories import user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.contracts import approved_project
from tests.once import drawn

pytestmark = pytest.mark.django_db(transaction=True)
LOCK_WAIT_SECONDS = 1


class HeldDatabase:
    """The test database as the requests' threads see it, and a second connection that can hold it locked."""

    def __init__(self, tmp_path):
        settings = {**connection.settings_dict, "OPTIONS": {**connection.settings_dict["OPTIONS"]}}
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.path = tmp_path / "minsheng.sqlite3"
            with closing(sqlite3.connect(self.path)) as copy:
                connection.connection.backup(copy)
            settings.update(NAME=str(self.path), TEST={**settings.get("TEST", {}), "NAME": str(self.path)})
            settings["OPTIONS"]["timeout"] = LOCK_WAIT_SECONDS
        else:
            settings["OPTIONS"]["options"] = f"-c lock_timeout={LOCK_WAIT_SECONDS * 1000}"
        self.settings = settings

    def run(self, action):
        """Run `action` in a thread of its own, connected as the platform is; return its result or raise its
        error here."""
        outcome = {}

        def target():
            connections["default"] = load_backend(self.settings["ENGINE"]).DatabaseWrapper(self.settings, "default")
            try:
                outcome["value"] = action()
            except BaseException as error:  # re-raised in the test's thread
                outcome["error"] = error
            finally:
                connections["default"].close()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(timeout=120)
        assert not thread.is_alive(), "the request hung instead of answering"
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    @contextmanager
    def locked(self):
        """Another connection holds the write lock: reads pass, writes wait and then fail."""
        if connection.vendor == "sqlite":
            holder = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            holder.execute("PRAGMA journal_mode=WAL")
            holder.execute("BEGIN IMMEDIATE")
        else:
            wrapper = load_backend(self.settings["ENGINE"]).DatabaseWrapper(connection.settings_dict, "holder")
            holder = wrapper.get_new_connection(wrapper.get_connection_params())
            tables = ", ".join(connection.ops.quote_name(t) for t in connection.introspection.table_names())
            holder.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            holder.rollback() if connection.vendor == "postgresql" else holder.execute("ROLLBACK")
            holder.close()


@pytest.fixture
def database(tmp_path):
    return HeldDatabase(tmp_path)


@pytest.fixture
def world(database):
    """A project whose first tranche is paid, its second requested, and a draft application of the same
    organisation; the applicant and finance signed in."""

    def build():
        project = approved_project()
        officer, finance = user_for_role(Role.OFFICER), user_for_role(Role.FINANCE)
        applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
        tranches = first_paid(project, officer, applicant, finance)
        services.request_tranche(tranches[1], by=officer, note="中期检查通过")
        draft = ApplicationFactory(organisation=project.organisation, created_by=applicant)
        clients = {"applicant": Client(), "finance": Client()}
        clients["applicant"].force_login(applicant)
        clients["finance"].force_login(finance)
        for client in clients.values():   # each has read a page, so its idle deadline was pushed just now
            client.get(reverse("accounts:home"))
        return SimpleNamespace(project=project, second=tranches[1], draft=draft, **clients)

    return database.run(build)


def _expense():
    return drawn({"spent_on": timezone.localdate().isoformat(), "category": "equipment", "amount": "2",
                  "description": "采购试剂", "voucher": "记-503"})


def test_a_write_while_the_database_is_locked_answers_503_and_the_same_form_goes_through_after(
        database, world, log_lines):  # noqa: F811 (the fixture imported above)
    url = reverse("contracts:expenditure_add", args=[world.project.pk])
    form = _expense()

    def post():
        started = time.monotonic()
        response = world.applicant.post(url, form)
        return response, time.monotonic() - started

    with database.locked():
        response, seconds = database.run(post)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "请稍后再试" in page and "数据库正忙或暂时无法访问" in page and response["X-Request-ID"] in page
    assert seconds < 5 * LOCK_WAIT_SECONDS   # waited for the lock once, then answered
    logged = [e for e in log_lines() if e["request_id"] == response["X-Request-ID"] and e["logger"] == "minsheng"]
    assert logged and logged[0]["level"] == "WARNING" and "database unavailable (locked)" in logged[0]["message"]

    response, _seconds = database.run(post)    # the person sends the form again once the lock is gone
    assert response.status_code == 302
    assert database.run(lambda: Expenditure.objects.filter(voucher="记-503").count()) == 1


def test_the_503_page_speaks_the_users_language(database, world):
    url = reverse("contracts:expenditure_add", args=[world.project.pk])
    world.applicant.cookies["minsheng_language"] = "en"
    with database.locked():
        response = database.run(lambda: world.applicant.post(url, _expense()))
    assert response.status_code == 503
    assert "Please try again in a moment" in response.content.decode()


def test_pages_that_only_read_work_while_the_database_is_locked(database, world):
    project_page = reverse("contracts:project", args=[world.project.pk])

    def read():
        return world.applicant.get(project_page), world.finance.get(reverse("contracts:finance_queue"))

    def mark_the_last_push_a_minute_old():
        session = world.finance.session
        session[SESSION_ACTIVITY_KEY] -= 61
        session.save()

    with database.locked():
        applicant_page, queue = database.run(read)
    assert applicant_page.status_code == 200 and world.project.number in applicant_page.content.decode()
    assert queue.status_code == 200
    # Even when this read is the one that should push the idle deadline forward, it answers at once: the push
    # does not wait for the lock, and is left for a later request.
    database.run(mark_the_last_push_a_minute_old)
    with database.locked():
        started = time.monotonic()
        queue = database.run(lambda: world.finance.get(reverse("contracts:finance_queue")))
        assert time.monotonic() - started < LOCK_WAIT_SECONDS
    assert queue.status_code == 200


@pytest.mark.urls("tests.core.urls_failing")
@pytest.mark.parametrize("signed_in", [True, False], ids=["session-updated", "session-created"])
def test_a_session_that_cannot_be_saved_after_the_view_answers_503(database, world, signed_in):
    """The session is saved after the view, outside it: Django would answer a failed update 400 (SessionInterrupted)
    and a failed creation 500."""
    # The test client re-raises what reached Django's 500 handler; a browser gets the handler's answer.
    client = world.applicant if signed_in else Client(raise_request_exception=False)
    with database.locked():
        response = database.run(lambda: client.get("/remember/?what=x"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "请稍后再试" in response.content.decode()


def test_the_api_answers_503_in_its_error_format(database, world):
    url = reverse("contracts-disbursement-approve", args=[world.second.pk])
    with database.locked():
        response = database.run(lambda: world.finance.post(url, content_type="application/json"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    body = response.json()
    assert body["code"] == "database_unavailable" and body["request_id"] == response["X-Request-ID"]
    assert body["detail"] == "数据库正忙或暂时无法访问，本次请求未能完成。请稍后再试。"
    assert database.run(lambda: Tranche.objects.get(pk=world.second.pk).state) == Tranche.State.REQUESTED


def test_an_autosave_while_the_database_is_locked_gets_the_message_its_page_shows(database, world):
    url = reverse("applications:edit", args=[world.draft.pk, "objectives"])
    data = {"objectives": "以社区为单位开展慢病筛查", "version": world.draft.version}
    with database.locked():
        response = database.run(lambda: world.applicant.post(url, data, headers={"X-Autosave": "1"}))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response.json()["detail"] == "数据库正忙或暂时无法访问，本次请求未能完成。请稍后再试。"
    saved = database.run(lambda: world.applicant.post(url, data, headers={"X-Autosave": "1"}))
    assert saved.status_code == 200 and saved.json()["saved"]


def test_healthz_says_the_database_cannot_be_written_while_livez_stays_up(database, world):
    def probe():
        client = Client()
        return client.get(reverse("healthz")), client.get(reverse("livez"))

    with database.locked():
        health, live = database.run(probe)
    assert health.status_code == 503 and health["Retry-After"] == "10"
    assert health.json() == {"status": "unavailable", "database": "locked"}
    assert live.status_code == 200 and live.json() == {"status": "alive"}
    health, live = database.run(probe)
    assert health.status_code == 200 and health.json() == {"status": "ok", "database": "writable", "cache": "answering"}

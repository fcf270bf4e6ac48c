"""SQLite's writers of one process take their turn in order (core/sqlite): a second thread that wants to write waits
for the first one's commit and then writes, and a turn that does not come within the lock timeout fails as SQLite's
own "database is locked" does, which core/faults.py answers with 503. Real threads, a real file, real transactions."""

import sqlite3
import threading
import time
from contextlib import closing

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.utils import load_backend

from minsheng.core import faults

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")]


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "writers.sqlite3"
    with closing(sqlite3.connect(path)) as made:
        made.execute("PRAGMA journal_mode=WAL")
        made.execute("CREATE TABLE note (who TEXT)")
        made.commit()
    return path


def _in_thread(path, timeout: float, action) -> threading.Thread:
    """`action` in a thread of its own whose default connection is the platform's SQLite engine on `path`."""
    settings = {**connection.settings_dict, "ENGINE": "minsheng.core.sqlite", "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout}}

    def target():
        connections["default"] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")
        try:
            action()
        finally:
            connections["default"].close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def _notes(path) -> list[str]:
    with closing(sqlite3.connect(path)) as reader:
        return [who for (who,) in reader.execute("SELECT who FROM note ORDER BY rowid")]


def _holding(path, inside: threading.Event, release: threading.Event) -> threading.Thread:
    def hold():
        with transaction.atomic():
            connections["default"].cursor().execute("INSERT INTO note VALUES ('first')")
            inside.set()
            release.wait(timeout=30)
    return _in_thread(path, 10, hold)


def test_a_second_writer_waits_for_the_first_ones_commit_then_writes(database):
    inside, release, waited = threading.Event(), threading.Event(), {}
    first = _holding(database, inside, release)
    assert inside.wait(timeout=30)

    def write():
        started = time.monotonic()
        with transaction.atomic():
            connections["default"].cursor().execute("INSERT INTO note VALUES ('second')")
        waited["seconds"] = time.monotonic() - started

    second = _in_thread(database, 10, write)
    time.sleep(0.5)
    assert "seconds" not in waited          # still waiting for its turn
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert waited["seconds"] >= 0.5
    assert _notes(database) == ["first", "second"]


def test_a_turn_that_does_not_come_in_time_is_a_locked_database(database):
    inside, release, failed = threading.Event(), threading.Event(), {}
    first = _holding(database, inside, release)
    assert inside.wait(timeout=30)

    def write():
        try:
            with transaction.atomic():
                connections["default"].cursor().execute("INSERT INTO note VALUES ('late')")
        except DatabaseError as error:
            failed["reason"] = faults.unavailable_reason(error)

    late = _in_thread(database, 0.3, write)
    late.join(timeout=30)
    release.set()
    first.join(timeout=30)
    assert failed == {"reason": "locked"}
    assert _notes(database) == ["first"]

    after = _in_thread(database, 10, lambda: connections["default"].cursor().execute(
        "INSERT INTO note VALUES ('after')") and None)
    after.join(timeout=30)
    assert _notes(database) == ["first", "after"]     # the turn was given back


def test_a_write_that_may_give_up_waits_for_its_turn_only_as_long_as_it_said(database):
    """The session's idle push and the health check's probe wait briefly (faults.waiting_at_most), for the turn too."""
    inside, release, failed = threading.Event(), threading.Event(), {}
    first = _holding(database, inside, release)
    assert inside.wait(timeout=30)

    def probe():
        started = time.monotonic()
        try:
            with faults.waiting_at_most(0.2), transaction.atomic():
                connections["default"].cursor().execute("INSERT INTO note VALUES ('probe')")
        except DatabaseError as error:
            failed["reason"], failed["seconds"] = faults.unavailable_reason(error), time.monotonic() - started

    probing = _in_thread(database, 10, probe)
    probing.join(timeout=30)
    release.set()
    first.join(timeout=30)
    assert failed["reason"] == "locked" and failed["seconds"] < 5

"""SQLite as the platform runs it (settings.DATABASES' ENGINE for a SQLite file): the threads of one process take
their turn to write in order, instead of racing for the file's single write lock.

SQLite lets one connection write at a time; the others poll it (busy_timeout) with growing sleeps and in no order.
With gunicorn's threads on deadline day a request could lose that race again and again until DATABASE_LOCK_TIMEOUT
ran out and it answered 503, while requests that came later went through. Here a thread waits on a lock of its
process before BEGIN IMMEDIATE, so only one thread per process (one per gunicorn worker) polls SQLite's lock. The
wait for the turn is bounded by the connection's busy timeout, as SQLite's own wait is, and fails as SQLite's own
"database is locked" does (core/faults.py answers 503). An in-memory database (the tests') is left as Django makes
it: its shared cache locks tables instead.
"""

import sqlite3
import threading

from django.db.backends.sqlite3 import base

# One writer's turn per process, for every connection to a file (the platform has one database).
_WRITER_TURN = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_turn = False

    def _start_transaction_under_autocommit(self):
        if self.is_in_memory_db() or self.transaction_mode != "IMMEDIATE":
            return super()._start_transaction_under_autocommit()
        # The connection's own busy timeout, which core.faults.waiting_at_most shortens for writes that may give up.
        waits = self.connection.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        if not _WRITER_TURN.acquire(timeout=waits):
            busy = sqlite3.OperationalError("database is locked (waited for another writer of this process)")
            busy.sqlite_errorcode, busy.sqlite_errorname = sqlite3.SQLITE_BUSY, "SQLITE_BUSY"
            with self.wrap_database_errors:
                raise busy
        self._holds_turn = True
        try:
            super()._start_transaction_under_autocommit()   # then SQLite's own wait, for the other processes' writers
        except BaseException:
            self._end_turn()
            raise

    def _end_turn(self):
        if self._holds_turn:
            self._holds_turn = False
            _WRITER_TURN.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._end_turn()

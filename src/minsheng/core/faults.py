"""Faults of the database told apart from bugs: a database that is locked, read-only, full or out of reach is a
passing condition, answered with 503 "try again in a moment" (core.views.database_unavailable), never a 500. So
is a shared cache (Redis) that does not answer: sign-in, the rate limits and sessions kept there depend on it.

Both drivers are read by their own error codes, not by message text: SQLite's result code (`sqlite_errorcode`)
and PostgreSQL's SQLSTATE (`sqlstate`, None when there is no server to answer).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections

LOCKED, READ_ONLY, FULL, UNREACHABLE = "locked", "read-only", "full", "unreachable"

# Primary result codes (the low byte of an extended code).
_SQLITE = {5: LOCKED, 6: LOCKED, 8: READ_ONLY, 13: FULL, 10: UNREACHABLE, 14: UNREACHABLE}
# SQLSTATEs, exact or by class (the first two characters).
_POSTGRESQL = {
    "55P03": LOCKED,        # lock_not_available: lock_timeout expired on a lock someone holds
    "57014": LOCKED,        # query_canceled: statement_timeout, or cancelled while waiting
    "40P01": LOCKED,        # deadlock_detected
    "40001": LOCKED,        # serialization_failure
    "25006": READ_ONLY,     # read_only_sql_transaction: a standby, or default_transaction_read_only
    "53100": FULL,          # disk_full
    "53200": FULL,          # out_of_memory
    "53300": UNREACHABLE,   # too_many_connections
    "57P01": UNREACHABLE,   # admin_shutdown
    "57P02": UNREACHABLE,   # crash_shutdown
    "57P03": UNREACHABLE,   # cannot_connect_now (starting up, shutting down, in recovery)
    "08": UNREACHABLE,      # connection_exception, the whole class
}


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    """The error and what caused it: Django wraps the driver's error (`raise … from`), and the session store turns
    a failed save into UpdateError and then SessionInterrupted (raised while handling the first)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


# redis-py's errors of a server that cannot be reached or cannot serve now (read by name: redis is imported only
# where CACHE_URL asks for it).
_REDIS_UNREACHABLE = {"ConnectionError", "TimeoutError", "BusyLoadingError", "ReadOnlyError"}


def _driver_reason(error: BaseException) -> str | None:
    if type(error).__module__.split(".")[0] == "redis":
        return UNREACHABLE if type(error).__name__ in _REDIS_UNREACHABLE else None
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE.get(code & 0xFF)
    if type(error).__module__.split(".")[0] != "psycopg":
        return None
    state = getattr(error, "sqlstate", None)
    if state is None:  # no server answered: refused, timed out, connection lost
        return UNREACHABLE if type(error).__name__ in {"OperationalError", "InterfaceError"} else None
    return _POSTGRESQL.get(state) or _POSTGRESQL.get(state[:2])


def unavailable_reason(error: BaseException | None) -> str | None:
    """Why the database could not serve the request ("locked", "read-only", "full" or "unreachable"), or None when
    the error is not a passing database condition (a bug, a constraint, anything else stays a 500)."""
    for link in _chain(error):
        reason = _driver_reason(link)
        if reason:
            return reason
    return None


@contextmanager
def waiting_at_most(seconds: float, using: str = "default"):
    """Inside the block a lock held by another connection is waited for at most `seconds` (then the database
    raises, as it would after the connection's usual wait): for writes that may give up, such as pushing a
    session's idle deadline forward or the health check's write probe."""
    connection = connections[using]
    connection.ensure_connection()
    milliseconds = max(int(seconds * 1000), 0)
    if connection.vendor == "sqlite":
        raw = connection.connection
        usual = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute(f"PRAGMA busy_timeout = {milliseconds}")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA busy_timeout = {int(usual)}")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [f"{milliseconds or 1}ms"])
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET lock_timeout")  # back to the connection's own (settings: OPTIONS)
            except DatabaseError:
                pass  # the connection is broken or its transaction failed; Django discards or rolls it back
    else:
        yield

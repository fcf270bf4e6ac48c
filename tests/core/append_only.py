"""Switch the audit tables' triggers (append-only events, forward-only chain head) off and on again, for tests only.

Tests use it to tamper with audit rows behind the platform's back. Transactional tests need it too:
after them Django empties every table (DELETE on SQLite, TRUNCATE on PostgreSQL), which the triggers
rightly refuse. Import `pytest_runtest_teardown` into a conftest.py so that the tests below it may use
`transactional_db` or `live_server`.

The flush also removes the reference data of the data migrations (policy catalogue), and a transactional
test without `serialized_rollback` makes the next serialized one fail on duplicate content types; so
`pytest_collection_modifyitems` gives every `django_db(transaction=True)` test `serialized_rollback=True`.
"""

import importlib

import pytest
from django.db import connection
from pytest_django.plugin import blocking_manager_key

# Each audit table and the migration whose triggers guard it.
TRIGGERS = {table: importlib.import_module(f"minsheng.core.migrations.{name}") for table, name in (
    ("core_auditevent", "0002_audit_append_only"), ("core_auditchainhead", "0003_audit_head_forward_only"))}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences",
                          "django_db_serialized_rollback"}


def disable(using=connection, tables=tuple(TRIGGERS)) -> None:
    """Let UPDATE, DELETE and TRUNCATE through (idempotent)."""
    with using.cursor() as cursor:
        for table in tables:
            if using.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            else:
                for sql in TRIGGERS[table].SQLITE_REVERSE:
                    cursor.execute(sql)


def enable(using=connection, tables=tuple(TRIGGERS)) -> None:
    """Put the triggers back exactly as the migrations made them (idempotent)."""
    with using.cursor() as cursor:
        for table in tables:
            if using.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            else:
                for sql in TRIGGERS[table].SQLITE_REVERSE + TRIGGERS[table].SQLITE:
                    cursor.execute(sql)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """Transactional tests restore the migrated data after their flush, whatever order they run in."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or marker.kwargs.get("serialized_rollback"):
            continue
        if marker.kwargs.get("transaction") or (marker.args and marker.args[0]):
            kwargs = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def _unblocked(item, action) -> None:
    with item.config.stash[blocking_manager_key].unblock():
        action()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Around the teardown of a transactional test: triggers off for Django's flush, back on after it."""
    transactional = _is_transactional(item)
    if transactional:
        _unblocked(item, disable)
    yield
    # After the last test the test database is gone, unless --reuse-db keeps it for the next run.
    if transactional and (nextitem is not None or item.config.getoption("reuse_db", default=False)):
        _unblocked(item, enable)

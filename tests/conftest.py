import socket

import pytest
from django.conf import settings
from django.core.signals import setting_changed

# Transactional and live-server tests: Django empties every table after them, which the audit table's
# append-only triggers refuse; these hooks switch them off for that flush and back on after it, and make
# such tests restore the migrated reference data (see tests/core/append_only.py).
from tests.core.append_only import pytest_collection_modifyitems, pytest_runtest_teardown  # noqa: F401


def pytest_configure(config):
    # The tests run in one process, so a per-process cache counts exactly, and it lets them move the clock
    # (tests/accounts/conftest.py). Production never does this (core/checks.py, minsheng.E101); the shared cache
    # itself is tested in tests/core/test_shared_cache.py and, across four gunicorn workers, tests/test_workers.py.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, "minsheng.E101"]
    # Tests sign officers in with the password alone; tests/accounts/test_second_factor.py turns the step on.
    settings.SECOND_FACTOR_REQUIRED = False
    # Jobs run at once after the commit, in the test's process, so a test reads the mail a click sent; the
    # database queue and the worker are tested in tests/core/test_jobs.py.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)  # django-tasks re-reads it
    # Tests read static files from the source tree; production serves a hashed, collected copy.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and login lockouts live in the cache: each test starts with none.

    Only the suite's own per-process cache is cleared: a test that switches to a shared cache (database, Redis)
    cleans up its own keys, and clearing Redis would empty a database that others may use."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    def clear():
        if isinstance(caches["default"], LocMemCache):
            caches["default"].clear()

    clear()
    yield
    clear()


@pytest.fixture
def room_in_window():
    """Call with a signed-in user before counting requests up to a rate limit: waits, if need be, until the
    user's fixed window (django-ratelimit jitters its end per key) has enough time left, so that no count is
    cut in two by the window's end. Eleven exports took over 5 s on a loaded two-core CI machine: 20 s leaves room."""
    import time

    from django_ratelimit.core import _get_window, _split_rate

    from minsheng.core import limits

    def wait(user, rate=limits.EXPORT_RATE, needed=20.0):
        _count, period = _split_rate(rate)
        left = _get_window(f"user:{user.pk}", period) - time.time()
        if left < needed:
            time.sleep(max(left, 0) + 0.1)

    return wait


@pytest.fixture(autouse=True)
def _own_checkpoints_file(settings, tmp_path):
    """Each test's audit checkpoints go to its own file, never to the checkout's var/ or another test's."""
    settings.AUDIT_CHECKPOINTS_FILE = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture(autouse=True)
def _english_off(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def refusing_smtp(settings):
    """SMTP to a local port with nothing listening: the connection is refused, as by a stopped mail server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    return settings

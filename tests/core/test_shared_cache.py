"""The shared cache the rate limits and the lock-out count in: its table comes from `migrate`, its increment loses
no count between concurrent connections and keeps the entry's expiry, it never evicts live counters, Redis works
the same way, and the platform refuses a per-process cache outside DEBUG.

The test suite itself counts in a per-process cache (tests/conftest.py); these tests build the production caches
explicitly. Concurrent connections are tried on PostgreSQL and Redis: the SQLite test database lives in memory with
table locks, unlike the platform's file in WAL mode with IMMEDIATE transactions, which
tests/test_limits_across_workers.py proves under gunicorn with four workers (concurrent reports, exactly the limit).
"""

import json
import os
import secrets
import subprocess
import sys
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from django.core import checks
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.test import RequestFactory, override_settings
from django_ratelimit.core import get_usage

from minsheng.core import backup
from minsheng.core import cache as shared
from minsheng.core.checks import refuse_to_serve, shared_cache, shared_sessions
from minsheng.settings import _cache

REPO = Path(__file__).resolve().parents[2]
DATABASE_CACHE = {"BACKEND": "minsheng.core.cache.DatabaseCache", "LOCATION": shared.TABLE,
                  "OPTIONS": {"MAX_ENTRIES": 20000}}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _database_cache(**options):
    return shared.DatabaseCache(shared.TABLE, {"OPTIONS": options})


def _redis_cache():
    """A key prefix of its own, so that parallel runs and other users of the server never meet. Without a Redis
    server the test is skipped on a developer's machine and fails in CI (MINSHENG_REQUIRE_REDIS=1)."""
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"minsheng-test-{uuid.uuid4().hex}"})
    try:
        cache.has_key("ping")
    except Exception as error:
        if os.environ.get("MINSHENG_REQUIRE_REDIS"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} ({error})")
    return cache


def _in_threads(work, threads: int = 4) -> list:
    """Run `work` in several threads at once, each with its own database connection; return what they returned."""
    barrier, results, errors = threading.Barrier(threads), [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # reported to the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not errors, errors
    return results


@pytest.mark.django_db
def test_migrate_creates_the_cache_table_with_the_columns_the_database_cache_reads():
    assert shared.TABLE in connection.introspection.table_names()
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, shared.TABLE)}
    assert columns == {"cache_key", "value", "expires"}


concurrent_database = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="in-memory SQLite has table locks; see the module's docstring")


@concurrent_database
@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_from_separate_connections_are_all_counted():
    cache = _database_cache()
    cache.clear()
    cache.add("hits", 0, timeout=600)

    def hammer():
        return [cache.incr("hits") for _ in range(15)]

    seen = [value for batch in _in_threads(hammer) for value in batch]
    assert cache.get("hits") == 60
    assert sorted(seen) == list(range(1, 61))   # each increment saw its own, distinct count
    cache.clear()


@concurrent_database
@pytest.mark.django_db(transaction=True)
def test_a_rate_limit_counted_from_separate_connections_admits_exactly_its_limit():
    cache_settings = {"default": DATABASE_CACHE}
    request = RequestFactory().post("/", REMOTE_ADDR="10.9.9.9")
    with override_settings(CACHES=cache_settings):
        from django.core.cache import cache

        cache.clear()

        def attempts():
            return [get_usage(request, group="test.shared", key="ip", rate="25/h", increment=True)["should_limit"]
                    for _ in range(10)]

        outcomes = [limited for batch in _in_threads(attempts) for limited in batch]
        cache.clear()
    assert outcomes.count(False) == 25 and outcomes.count(True) == 15


@pytest.mark.django_db
def test_an_increment_keeps_the_expiry_and_a_missing_or_expired_key_is_refused():
    cache = _database_cache()
    cache.add("window", 0, timeout=3600)

    def expires():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT expires FROM {shared.TABLE} WHERE cache_key = %s",  # noqa: S608
                           [cache.make_key("window")])
            return cursor.fetchone()[0]

    first = expires()
    assert cache.incr("window", 3) == 3 and cache.decr("window") == 2
    assert expires() == first   # Django's own incr would have reset it to now + 300 s
    with pytest.raises(ValueError):
        cache.incr("never-set")
    cache.set("gone", 5, timeout=-1)
    with pytest.raises(ValueError):
        cache.incr("gone")


@pytest.mark.django_db
def test_a_full_table_drops_expired_entries_but_never_live_counters():
    cache = _database_cache(MAX_ENTRIES=3)
    for n in range(5):
        cache.set(f"live-{n}", n, timeout=600)
    cache.set("expired", 1, timeout=-1)
    cache.set("one-more", 1, timeout=600)     # over MAX_ENTRIES: culls
    assert cache.get_many([f"live-{n}" for n in range(5)] + ["one-more"]) == {
        **{f"live-{n}": n for n in range(5)}, "one-more": 1}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {shared.TABLE} WHERE cache_key = %s",  # noqa: S608
                       [cache.make_key("expired")])
        assert cursor.fetchone()[0] == 0


def test_redis_counts_concurrent_increments_and_keeps_the_expiry():
    cache = _redis_cache()
    try:
        cache.add("hits", 0, timeout=600)
        seen = [value for batch in _in_threads(lambda: [cache.incr("hits") for _ in range(15)]) for value in batch]
        assert cache.get("hits") == 60 and sorted(seen) == list(range(1, 61))
        key = cache.make_and_validate_key("hits")
        assert 0 < cache._cache.get_client(key).ttl(key) <= 600
    finally:
        cache.delete("hits")


@pytest.mark.parametrize(("url", "backend"), [
    ("", "minsheng.core.cache.DatabaseCache"),
    ("redis://127.0.0.1:6379/3", "django.core.cache.backends.redis.RedisCache"),
    ("rediss://cache.example.gov.cn:6380/0", "django.core.cache.backends.redis.RedisCache"),
    ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
])
def test_cache_url_chooses_the_backend(url, backend):
    assert _cache(url)["BACKEND"] == backend


def test_an_unknown_cache_url_is_refused_at_start():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        _cache("memcached://127.0.0.1:11211")


@pytest.mark.parametrize(("backend", "debug", "expected"), [
    ("django.core.cache.backends.locmem.LocMemCache", False, ["minsheng.E101"]),
    ("django.core.cache.backends.dummy.DummyCache", False, ["minsheng.E101"]),
    ("django.core.cache.backends.locmem.LocMemCache", True, []),
    ("django.core.cache.backends.db.DatabaseCache", False, ["minsheng.W102"]),
    ("django.core.cache.backends.filebased.FileBasedCache", False, ["minsheng.W102"]),
    ("minsheng.core.cache.DatabaseCache", False, []),
    ("django.core.cache.backends.redis.RedisCache", False, []),
])
def test_the_check_refuses_caches_that_do_not_hold_limits_across_workers(settings, backend, debug, expected):
    settings.DEBUG = debug
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "minsheng-check"}}
    messages = shared_cache()
    assert [m.id for m in messages] == expected
    assert all(m.is_serious() == m.id.startswith("minsheng.E") for m in messages)
    if expected and expected[0].startswith("minsheng.E"):
        assert checks.run_checks(tags=[checks.Tags.caches]) and "CACHE_URL" in messages[0].hint


def test_the_check_looks_at_the_cache_the_rate_limits_use(settings):
    settings.CACHES = {"default": DATABASE_CACHE,
                       "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RATELIMIT_USE_CACHE = "limits"
    assert [m.id for m in shared_cache()] == ["minsheng.E101"]


def test_the_server_refuses_to_start_with_a_per_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SILENCED_SYSTEM_CHECKS = []
    with pytest.raises(ImproperlyConfigured, match=r"minsheng\.E101"):
        refuse_to_serve()
    settings.CACHES = {"default": DATABASE_CACHE}
    refuse_to_serve()


def _production(*args: str, **env: str) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "DATABASE_URL", "PYTHONPATH"}}
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**inherited, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), **env})


def test_deploy_check_and_wsgi_fail_loudly_with_a_per_process_cache(tmp_path):
    check = _production("-m", "minsheng", "check", "--deploy", MINSHENG_VAR=str(tmp_path), CACHE_URL="locmem://")
    assert check.returncode != 0 and "minsheng.E101" in check.stdout + check.stderr
    wsgi = _production("-c", "import minsheng.wsgi", MINSHENG_VAR=str(tmp_path), CACHE_URL="locmem://",
                       DJANGO_SETTINGS_MODULE="minsheng.settings")
    assert wsgi.returncode != 0 and "minsheng.E101" in wsgi.stderr
    started = _production("-c", "import minsheng.wsgi", MINSHENG_VAR=str(tmp_path),
                          DJANGO_SETTINGS_MODULE="minsheng.settings")
    assert started.returncode == 0, started.stderr



def test_the_server_loads_every_view_at_start_and_leaves_them_out_of_full_garbage_collections(tmp_path):
    """A full collection would otherwise scan start-up's objects in whichever request sets it off (bench/
    server_pauses.py): the views are imported before the first request and frozen with the rest."""
    probe = ("import gc, sys, minsheng.wsgi; "
             "print(gc.get_freeze_count(), 'minsheng.review.views' in sys.modules, 'minsheng.api.urls' in sys.modules)")
    started = _production("-c", probe, MINSHENG_VAR=str(tmp_path), DJANGO_SETTINGS_MODULE="minsheng.settings")
    assert started.returncode == 0, started.stderr
    frozen, views, api = started.stdout.split()
    assert int(frozen) > 100_000 and views == api == "True"

@pytest.mark.django_db
def test_a_backup_leaves_the_counters_out(tmp_path):
    """The cache table is not a model: its minutes-long counters stay out of backups, and `migrate` makes an empty
    one for a restore."""
    cache = _database_cache()
    cache.add("lockout:account:someone:failures", 3, timeout=900)
    path = backup.create(tmp_path / "backups")
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        data = archive.extractfile("data.json").read().decode()
    assert manifest["models"] and not [label for label in manifest["models"] if "cache" in label]
    assert cache.make_key("lockout:account:someone:failures") not in data
    cache.delete("lockout:account:someone:failures")


@pytest.mark.parametrize(("engine", "backend", "debug", "expected"), [
    ("django.contrib.sessions.backends.cache", "django.core.cache.backends.locmem.LocMemCache", False,
     ["minsheng.E103"]),
    ("django.contrib.sessions.backends.cached_db", "django.core.cache.backends.locmem.LocMemCache", False,
     ["minsheng.E103"]),
    ("django.contrib.sessions.backends.cache", "django.core.cache.backends.locmem.LocMemCache", True, []),
    ("django.contrib.sessions.backends.db", "django.core.cache.backends.locmem.LocMemCache", False, []),
    ("django.contrib.sessions.backends.cache", "django.core.cache.backends.redis.RedisCache", False, []),
    ("django.contrib.sessions.backends.cached_db", "minsheng.core.cache.DatabaseCache", False, []),
])
def test_sessions_in_a_per_process_cache_are_refused(settings, engine, backend, debug, expected):
    settings.DEBUG = debug
    settings.SESSION_ENGINE = engine
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "minsheng-check"}}
    messages = shared_sessions()
    assert [m.id for m in messages] == expected
    if expected:
        assert "SESSION_STORE" in messages[0].hint and messages[0].is_serious()


def test_session_store_chooses_the_engine_and_an_unknown_one_is_refused_at_start(tmp_path):
    read = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    for store, engine in [("", "db"), ("cache", "cache"), ("cached_db", "cached_db")]:
        answer = _production("-c", read, MINSHENG_VAR=str(tmp_path), SESSION_STORE=store,
                             DJANGO_SETTINGS_MODULE="minsheng.settings")
        assert answer.stdout.strip() == f"django.contrib.sessions.backends.{engine}", answer.stderr
    refused = _production("-c", read, MINSHENG_VAR=str(tmp_path), SESSION_STORE="memcache",
                          DJANGO_SETTINGS_MODULE="minsheng.settings")
    assert refused.returncode != 0 and "SESSION_STORE must be one of db, cached_db, cache" in refused.stderr


def test_the_server_refuses_to_start_with_sessions_in_a_per_process_cache(tmp_path):
    wsgi = _production("-c", "import minsheng.wsgi", MINSHENG_VAR=str(tmp_path), CACHE_URL="locmem://",
                       SESSION_STORE="cache", DJANGO_SETTINGS_MODULE="minsheng.settings")
    assert wsgi.returncode != 0 and "minsheng.E103" in wsgi.stderr

"""System checks for what the security promises rest on: one cache shared by every worker and server for the rate
limits and the sign-in lock-out (and for the sessions, when they live in the cache), and password hashing no cheaper
than OWASP's minimum.

They run with every management command (so `runserver` and `migrate` stop at once) and with `check --deploy`;
wsgi.py and asgi.py call `refuse_to_serve` so that gunicorn does not start either.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PER_PROCESS = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps its counters inside each worker process",
    "django.core.cache.backends.dummy.DummyCache": "keeps no counters at all",
}
# Shared by every process and server, with an atomic increment (no count lost between concurrent requests).
SHARED_AND_ATOMIC = {
    "minsheng.core.cache.DatabaseCache",
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}
# OWASP Password Storage Cheat Sheet: Argon2id configurations of equal strength, passes -> least memory in KiB.
OWASP_ARGON2_MIN_MEMORY_KIB = {1: 47104, 2: 19456, 3: 12288, 4: 9216, 5: 7168}


def _counting_caches() -> dict[str, str]:
    """alias -> backend of the caches the lock-out (default) and the rate limits (RATELIMIT_USE_CACHE) count in."""
    aliases = {"default", getattr(settings, "RATELIMIT_USE_CACHE", "default")}
    return {alias: settings.CACHES.get(alias, {}).get("BACKEND", "") for alias in sorted(aliases)}


@checks.register(checks.Tags.caches, checks.Tags.security)
def shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages = []
    for alias, backend in _counting_caches().items():
        name = backend.rsplit(".", 1)[-1]
        if backend in PER_PROCESS:
            if settings.DEBUG:
                continue
            messages.append(checks.Error(
                f"The cache {alias!r} ({name}) {PER_PROCESS[backend]}: with several workers or servers each one "
                f"grants its own quota of sign-in attempts, reports, objections and reset mails.",
                hint="Leave CACHE_URL unset for the database cache, or set CACHE_URL=redis://…; "
                     "locmem:// is for a one-process development server with DEBUG on.",
                id="minsheng.E101"))
        elif backend not in SHARED_AND_ATOMIC:
            messages.append(checks.Warning(
                f"The cache {alias!r} ({name}) is not known to be shared by every server with an atomic increment: "
                f"concurrent requests may be counted once between them.",
                hint="Leave CACHE_URL unset for the platform's database cache, or set CACHE_URL=redis://….",
                id="minsheng.W102"))
    return messages


CACHE_SESSION_ENGINES = {"django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db"}


@checks.register(checks.Tags.caches, checks.Tags.security)
def shared_sessions(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Sessions kept in a cache that lives inside each process: a person signed in through one worker or server
    would be a stranger to the next (cache), or read a stale session there after signing out (cached_db)."""
    if settings.SESSION_ENGINE not in CACHE_SESSION_ENGINES or settings.DEBUG:
        return []
    alias = getattr(settings, "SESSION_CACHE_ALIAS", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if backend not in PER_PROCESS:
        return []
    return [checks.Error(
        f"Sessions are kept in the cache {alias!r} ({backend.rsplit('.', 1)[-1]}), which "
        f"{PER_PROCESS[backend]}: a person signed in through one worker or server is unknown to the others.",
        hint="Set CACHE_URL=redis://… (or leave it unset for the database cache), or SESSION_STORE=db.",
        id="minsheng.E103")]


@checks.register(checks.Tags.security)
def password_hashing(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    if hasher.algorithm != "argon2":
        return [checks.Error(f"Passwords are hashed with {hasher.algorithm}, not Argon2id.",
                             hint="Put minsheng.accounts.hashers.Argon2idHasher first in PASSWORD_HASHERS.",
                             id="minsheng.E111")]
    passes = max(1, hasher.time_cost)
    least = OWASP_ARGON2_MIN_MEMORY_KIB[min(passes, 5)]
    if hasher.memory_cost < least or hasher.parallelism < 1:
        return [checks.Error(
            f"Argon2id with {hasher.memory_cost} KiB and {hasher.time_cost} passes is below OWASP's minimum "
            f"({least} KiB for {passes} passes).",
            hint="Raise ARGON2_MEMORY_KIB or ARGON2_TIME_COST (OWASP: 19456 KiB with 2 passes, "
                 "47104 KiB with 1, 12288 KiB with 3, 9216 KiB with 4, 7168 KiB with 5).",
            id="minsheng.E112")]
    return []


def refuse_to_serve() -> None:
    """Called by wsgi.py and asgi.py: a server whose limits would not hold does not start."""
    silenced = set(getattr(settings, "SILENCED_SYSTEM_CHECKS", []))
    found = shared_cache() + shared_sessions() + password_hashing()
    errors = [m for m in found if m.is_serious() and m.id not in silenced]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{m.id}: {m.msg} {m.hint}" for m in errors))

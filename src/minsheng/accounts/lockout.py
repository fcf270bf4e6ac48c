"""Login lockout, kept in the cache so that every application server sees the same counters.

Failures are counted per typed username (whether or not the account exists, so that a lock tells an
attacker nothing) and per client address. After `LOCKOUT_ACCOUNT_FAILURES` failures for one username,
or `LOCKOUT_ADDRESS_FAILURES` from one address, within `LOCKOUT_SECONDS`, logins for that username or
from that address are refused for `LOCKOUT_SECONDS`, even with the right password.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Lock:
    scope: str  # ACCOUNT or ADDRESS
    until: float  # epoch seconds

    @property
    def seconds_left(self) -> int:
        return max(0, math.ceil(self.until - time.time()))

    @property
    def minutes_left(self) -> int:
        """Whole minutes, rounded up, never 0 while the lock holds."""
        return max(1, math.ceil(self.seconds_left / 60))


def normalise_username(username: str) -> str:
    """Usernames that differ only in case or surrounding spaces share one counter."""
    return (username or "").strip().casefold()


def _digest(value: str) -> str:
    # Hashed so that keys are short, safe for every cache backend, and hold no personal data.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _scopes(username: str, address: str) -> list[tuple[str, str, int]]:
    return [
        (ACCOUNT, f"lockout:account:{_digest(normalise_username(username))}", settings.LOCKOUT_ACCOUNT_FAILURES),
        (ADDRESS, f"lockout:address:{_digest(address or '')}", settings.LOCKOUT_ADDRESS_FAILURES),
    ]


def current_lock(*, username: str, address: str) -> Lock | None:
    """The lock that refuses this login now, if any (the account's first, then the address's)."""
    now = time.time()
    for scope, key, _limit in _scopes(username, address):
        until = cache.get(f"{key}:until")
        if until is not None and until > now:
            return Lock(scope, until)
    return None


def _increment(key: str) -> int:
    # add() starts the window on the first failure; incr() keeps the key's expiry on every backend.
    cache.add(key, 0, timeout=settings.LOCKOUT_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.LOCKOUT_SECONDS)
        return 1


def register_failure(*, username: str, address: str) -> Lock | None:
    """Count one failed login. Returns the lock this failure set, if it was the one that reached a limit."""
    new_lock = None
    for scope, key, limit in _scopes(username, address):
        if _increment(f"{key}:failures") >= limit:
            until = time.time() + settings.LOCKOUT_SECONDS
            if cache.add(f"{key}:until", until, timeout=settings.LOCKOUT_SECONDS):
                cache.delete(f"{key}:failures")
                new_lock = new_lock or Lock(scope, until)
    return new_lock


def clear_account(username: str) -> None:
    """Forget the failures and lock of one username (after a successful login or a password reset).

    The address counter is left alone: one success from an address does not excuse its other failures.
    """
    _scope, key, _limit = _scopes(username, "")[0]
    cache.delete_many([f"{key}:failures", f"{key}:until"])

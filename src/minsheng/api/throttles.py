"""The API's throttles, counted where every other limit is counted: the shared cache (settings.CACHES).

DRF's own throttles keep a list of timestamps that each request reads and writes back, so concurrent requests in
different workers overwrite each other's entries, and anonymous callers are told apart by the whole X-Forwarded-For
header, which a client writes itself. These count with django-ratelimit's fixed windows instead (an atomic add and
increment, the same counters as the pages' limits) and count the callers the pages count (core.limits.caller:
the account when signed in, else `client_address`, which believes only the proxies that TRUSTED_PROXY_COUNT
names). The rates are REST_FRAMEWORK's DEFAULT_THROTTLE_RATES;
a throttled call answers 429 with Retry-After and the API's error body (api/errors.py).
"""

from abc import ABCMeta, abstractmethod

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

from minsheng.core import limits


def _rate(scope: str) -> str | None:
    return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope)


class _SharedThrottle(BaseThrottle, metaclass=ABCMeta):
    seconds_left = None

    @abstractmethod
    def scope_for(self, request, view) -> str | None:
        """The rate's name in DEFAULT_THROTTLE_RATES for this request, or None when this throttle does not apply."""

    def allow_request(self, request, view) -> bool:
        scope = self.scope_for(request, view)
        rate = _rate(scope) if scope else None
        if rate is None:
            return True
        caller = limits.caller(request)
        usage = get_usage(request, group=f"api.{scope}", key=lambda group, request: caller, rate=rate,
                          increment=True)
        if usage is None:  # RATELIMIT_ENABLE is off
            return True
        self.seconds_left = max(1, usage["time_left"])
        return not usage["should_limit"]

    def wait(self):
        return self.seconds_left


class AnonymousThrottle(_SharedThrottle):
    """Anonymous callers, per client address: the "anon" rate."""

    def scope_for(self, request, view):
        return None if request.user.is_authenticated else "anon"


class UserThrottle(_SharedThrottle):
    """Signed-in callers, per account: the "user" rate."""

    def scope_for(self, request, view):
        return "user" if request.user.is_authenticated else None


class ScopedThrottle(_SharedThrottle):
    """A view's own `throttle_scope`, on top of the above, per account or address."""

    def scope_for(self, request, view):
        return getattr(view, "throttle_scope", None)

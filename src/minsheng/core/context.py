"""Who is acting, from where, in which request: set by middleware, read by the audit trail.

Services take the actor explicitly (`by=`); the address and request id come from here so that
service signatures stay about the business, not the transport.
"""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    address: str = ""
    user_id: int | None = None


_current = contextvars.ContextVar("minsheng_request_context", default=RequestContext())  # noqa: B039 (frozen)


def current() -> RequestContext:
    return _current.get()


def set_current(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)

import logging
import re
import time
import uuid

from django.conf import settings

from minsheng.core import context

logger = logging.getLogger("minsheng.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_address(request) -> str:
    """The client's address. Behind a proxy, set TRUSTED_PROXY_COUNT so X-Forwarded-For is believed."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


class RequestContextMiddleware:
    """Gives each request an id (kept from X-Request-ID when well-formed), logs it, echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = context.set_current(
            context.RequestContext(request_id=request.request_id, address=client_address(request))
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            logger.info(
                "%s %s %s %.1fms", request.method, request.path, response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        finally:
            context.reset(token)


class ActorMiddleware:
    """Adds the signed-in user to the request context once authentication has run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ctx = context.current()
            token = context.set_current(
                context.RequestContext(request_id=ctx.request_id, address=ctx.address, user_id=user.pk)
            )
            try:
                return self.get_response(request)
            finally:
                context.reset(token)
        return self.get_response(request)


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SecurityHeadersMiddleware:
    """A content-security policy with no inline scripts, and a permissions policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

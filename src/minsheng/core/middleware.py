import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock, context, faults, strict_input

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


class DatabaseFaultMiddleware:
    """A view that fails because the database is locked, read-only, full or unreachable answers 503 "try again in
    a moment" (core.views.database_unavailable) instead of a 500. Errors raised outside views (saving the session)
    reach the same answer through the 400 and 500 handlers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from minsheng.core.views import database_unavailable  # the views import the models; loaded on first use

        reason = faults.unavailable_reason(exception)
        return database_unavailable(request, reason, exception) if reason else None


SESSION_ACTIVITY_KEY = "_active_at"


class IdleSessionMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE) without writing the session on every request.

    Django would save the session on each request to push its expiry forward (SESSION_SAVE_EVERY_REQUEST), so a
    read-only page failed whenever the database was locked or read-only. Here the expiry is pushed forward at most
    once every SESSION_REFRESH_SECONDS, by a save that does not wait for a lock and gives up quietly: the session
    stays valid until its current expiry, and the next request tries again. A session therefore ends at most
    SESSION_COOKIE_AGE after the last request, and (while the database takes writes) not before
    SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session this request used (not one it never loaded, as /livez and static files do).
        if session is not None and session.accessed:
            try:
                self._push_deadline(session)
            except (UpdateError, DatabaseError) as error:  # the session stays valid until its current expiry
                logger.info("idle deadline not pushed forward, the database did not take the write: %s", error)
                session.modified = False   # and SessionMiddleware must not try again
        return response

    def _push_deadline(self, session) -> None:
        # Nothing to keep alive: a session just flushed (signed out), expired, or empty.
        if not session.session_key or not session.keys():
            return
        now = int(clock.now().timestamp())
        if session.modified:  # SessionMiddleware saves it anyway, and the save sets a new expiry
            session[SESSION_ACTIVITY_KEY] = now
            return
        if now - session.get(SESSION_ACTIVITY_KEY, 0) < settings.SESSION_REFRESH_SECONDS:
            return
        session[SESSION_ACTIVITY_KEY] = now
        with faults.waiting_at_most(0):
            session.save()
        session.modified = False   # saved here: SessionMiddleware need not save it again


class StrictInputMiddleware:
    """The platform's input rule (core/strict_input.py) on what Django itself reads: the path, the query string
    and, outside the API (whose parsers check their bodies), a form post. A refusal answers 400 with the message
    in the user's language, as a page or, for the API, in its error format, before any view or form runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._problem(request)
        if problem:
            from minsheng.core.views import refused_input  # the views import the models; loaded on first use

            return refused_input(request, problem)
        return self.get_response(request)

    @staticmethod
    def _problem(request):
        # Each segment of the path on its own: "/applications/٣/" would match a `\d+` route and read as 3.
        problem = next(filter(None, (strict_input.text_problem(part, "(path)") for part in request.path.split("/"))),
                       None) or strict_input.values_problem(request.GET)
        if problem or request.method != "POST" or request.path.startswith("/api/"):
            return problem
        if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        try:
            return strict_input.values_problem(request.POST)
        except MultiPartParserError:
            return strict_input.Problem("unreadable_form", _("The form data could not be read. Reload the page "
                                                             "and send the form again."))

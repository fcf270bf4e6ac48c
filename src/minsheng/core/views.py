import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

logger = logging.getLogger("minsheng")


@never_cache
@require_GET
def healthz(request):
    """200 while the database answers; 503 otherwise. For load balancers: no session, no template."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database did not answer")
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_POST
def set_language(request):
    """Django's language switch, limited to POST (the switch on every page is a small form)."""
    return i18n.set_language(request)


def _error(request, status: int, title: str, message: str):
    response = render(request, "error.html", {"status": status, "title": title, "message": message},
                      status=status)
    return response


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Not allowed"), _("Your role may not open this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("Page not found"),
                  _("There is no such page, or it is not within what you may see."))


def server_error(request):
    return _error(request, 500, _("Something went wrong"),
                  _("The error has been logged with the request id below. Nothing you submitted was half-saved."))


def rate_limited(request, exception=None):
    response = _error(request, 429, _("Too many requests"),
                      _("You have sent too many requests in a short time. Please wait a few minutes and try again."))
    response["Retry-After"] = "300"
    return response


def csrf_failure(request, reason=""):
    return _error(request, 403, _("Form expired"),
                  _("The form was open too long or was sent twice. Reload the page and send it again; "
                    "nothing was saved."))



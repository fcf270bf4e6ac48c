import logging
import sys
import time
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe
from rules.contrib.views import permission_required

from minsheng.core import audit, checkpoints, faults, inbox, listing, queries, readable
from minsheng.core.exports import xlsx_response
from minsheng.core.forms import AuditFilterForm
from minsheng.core.limits import limited
from minsheng.core.models import AuditEvent, HealthProbe
from minsheng.core.navigation import groups_for

logger = logging.getLogger("minsheng")

AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_RATE = "10/h"
AUDIT_VERIFY_RATE = "20/h"
# An export larger than this is refused with a request to narrow the filters (the workbook is built in memory).
AUDIT_EXPORT_MAX_ROWS = 20_000


# How long a client is asked to wait before trying again when the database is locked or out of reach.
RETRY_AFTER_SECONDS = 10
# The health check's write probe waits this long for a lock before reporting the database locked: a load
# balancer's check must answer within its own timeout.
HEALTH_LOCK_WAIT_SECONDS = 2
HEALTH_CACHE_KEY = "minsheng:healthz"


def _not_ready(part: str, error: BaseException) -> JsonResponse:
    reason = faults.unavailable_reason(error) or "error"
    logger.warning("health check: the %s cannot serve (%s)", part, reason, exc_info=error)
    response = JsonResponse({"status": "unavailable", part: reason}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@never_cache
@require_GET
def healthz(request):
    """Readiness, for load balancers: 200 while the database takes writes and the shared cache answers; 503 with
    the part and the reason ("locked", "read-only", "full", "unreachable" or "error") when not. The database probe
    inserts a row and rolls it back, so nothing is kept; the cache probe reads one key (sign-in, the rate limits
    and cache-kept sessions need it). No session, no template."""
    try:
        with faults.waiting_at_most(HEALTH_LOCK_WAIT_SECONDS), transaction.atomic():
            HealthProbe.objects.create(id=1)
            transaction.set_rollback(True)
    except Exception as error:  # whatever stops the write, the answer is "not ready", with the reason logged
        return _not_ready("database", error)
    try:
        cache.get(HEALTH_CACHE_KEY)
    except Exception as error:
        return _not_ready("cache", error)
    return JsonResponse({"status": "ok", "database": "writable", "cache": "answering"})


@never_cache
@require_GET
def livez(request):
    """Liveness: the process answers requests. Touches neither the database nor the session, so a locked or
    unreachable database never makes an orchestrator restart healthy processes."""
    return JsonResponse({"status": "alive"})


@require_POST
def set_language(request):
    """Django's language switch, limited to POST (the switch on every page is a small form)."""
    return i18n.set_language(request)


def _api_error(request, status: int, message: str, code: str, **extra) -> JsonResponse | None:
    """Under /api/ the answers Django gives outside the API's views (a path no route matches, a refused request)
    come in the API's error format, as its schema documents (api/schema.py), never as an HTML page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"detail": message, "code": code, **extra,
                         "request_id": getattr(request, "request_id", "")}, status=status)


def _error(request, status: int, title: str, message: str, code: str = "error"):
    answer = _api_error(request, status, message, code)
    if answer is not None:
        return answer
    context = {"status": status, "title": title, "message": message, "request_id": getattr(request, "request_id", "")}
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    # A session that could not be saved because the database is locked arrives here as SessionInterrupted.
    reason = faults.unavailable_reason(exception)
    if reason:
        return database_unavailable(request, reason, exception)
    return _error(request, 400, _("Bad request"), _("The request could not be understood."), "bad_request")


def permission_denied(request, exception=None):
    return _error(request, 403, _("Not allowed"), _("Your role may not open this page."), "permission_denied")


def page_not_found(request, exception=None):
    return _error(request, 404, pgettext("error page", "Page not found"),
                  _("There is no such page, or it is not within what you may see."), "not_found")


def _bare_page(request, status: int, title: str, message: str) -> HttpResponse:
    """An error page rendered without the request's context processors: no session or database is needed."""
    context = {
        "status": status, "title": title, "message": message,
        "request_id": getattr(request, "request_id", ""),
        "csrf_token": get_token(request),  # the language switch on the page still works
    }
    try:
        html = loader.render_to_string("error.html", context)
    except Exception:
        logger.exception("the error page itself failed")
        html = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{title}</p>"
    return HttpResponse(html, status=status)


def server_error(request):
    # A database fault raised outside a view (creating the session after it) lands here too; a view's own are
    # answered by DatabaseFaultMiddleware before.
    error = sys.exc_info()[1]
    reason = faults.unavailable_reason(error)
    if reason:
        return database_unavailable(request, reason, error)
    message = _("The error has been logged with the request id below. Nothing you submitted was half-saved.")
    return _api_error(request, 500, message, "server_error") or _bare_page(request, 500, _("Something went wrong"),
                                                                             message)


def _wants_json(request) -> bool:
    return (request.path.startswith("/api/") or "X-Autosave" in request.headers
            or "application/json" in request.headers.get("Accept", ""))


def database_unavailable(request, reason: str, error: BaseException | None = None) -> HttpResponse:
    """503 for a database that is locked, read-only, full or out of reach: the user is asked, in their language, to
    try again in a moment (the API in its error format), never shown a 500 or a 400. Logged with the request id."""
    logger.warning("database unavailable (%s): %s %s answered 503", reason, request.method, request.path,
                   exc_info=error)
    title = _("Please try again in a moment")
    message = _("The database is busy or briefly out of reach, so this request could not be completed. Please try "
                "again in a moment.")
    if _wants_json(request):
        response = JsonResponse({"detail": message, "code": "database_unavailable",
                                 "request_id": getattr(request, "request_id", "")}, status=503)
    else:
        response = _bare_page(request, 503, title, message)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def refused_input(request, problem) -> HttpResponse:
    """400 for input the platform refuses (core/strict_input.py): the message says what and where, in the user's
    language; the API answers in its error format. Rendered without the session, which is not read yet."""
    if _wants_json(request):  # the API, and the form's autosave, which shows `detail` above the form
        return JsonResponse({"detail": problem.text(), "code": problem.code, "field": problem.field,
                             "request_id": getattr(request, "request_id", "")}, status=400)
    return _bare_page(request, 400, _("The request could not be accepted"),
                      _("%(problem)s Go back with the browser: what you typed is still in the form. Nothing was "
                        "saved.") % {"problem": problem.text()})


def rate_limited(request, exception=None):
    response = _error(request, 429, _("Too many requests"),
                      _("You have sent too many requests in a short time. Please wait a few minutes and try again."))
    response["Retry-After"] = "300"
    return response


def csrf_failure(request, reason=""):
    return _error(request, 403, _("Form expired"),
                  _("The form was open too long or was sent twice. Reload the page and send it again; "
                    "nothing was saved."), "csrf_failed")


def audit_trail_required(view):
    """Auditors and administrators only: anonymous visitors go to the login page, other roles get 403."""
    return login_required(permission_required("accounts.view_audit_trail", raise_exception=True)(view))


def _filtered(request) -> tuple[AuditFilterForm, object]:
    form = AuditFilterForm(request.GET or None)
    events = queries.audit_events_for(request.user)
    if form.is_bound and not form.is_valid():
        return form, events.none()
    return form, queries.filter_events(events, form.cleaned_data if form.is_bound else {})


@audit_trail_required
@require_GET
def audit_list(request):
    form, events = _filtered(request)
    # Only `page` (or nothing) asked: the whole trail; invalid filters show nothing and count it.
    whole_trail = not form.is_bound or (form.is_valid() and not form.active_filters())
    count, exact = queries.event_count(events, filtered=not whole_trail)
    page = listing.CountedPaginator(events, AUDIT_PAGE_SIZE, count).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {
        "form": form,
        "page": page,
        "exact": exact,
        "items": readable.read(page.object_list),
        "filtered": bool(form.active_filters()),
    })


@audit_trail_required
@require_GET
def audit_detail(request, pk: int):
    event = get_object_or_404(queries.audit_events_for(request.user), pk=pk)
    neighbours = queries.audit_events_for(request.user).filter(seq__in=[event.seq - 1, event.seq + 1])
    by_seq = {e.seq: e for e in neighbours.only("pk", "seq")}
    return render(request, "core/audit_detail.html", {
        "event": event,
        "item": readable.read([event])[0],
        "previous": by_seq.get(event.seq - 1),
        "next": by_seq.get(event.seq + 1),
    })


@audit_trail_required
@require_POST
def audit_verify(request):
    """Recompute the whole chain now, compare it with the signed checkpoints, and show what is broken; the check
    itself is recorded."""
    if limited(request, "core.audit_verify", AUDIT_VERIFY_RATE):
        return rate_limited(request)
    started = time.perf_counter()
    walked = Counter()
    check = checkpoints.verify_trail(progress=lambda n: walked.update(events=n))
    findings = check.findings
    seconds = time.perf_counter() - started
    with transaction.atomic():
        audit.record(action="core.auditevent.verify", by=request.user,
                     new={"events": walked["events"], "problems": len(findings)},
                     reason="; ".join(str(f) for f in findings[:20]))
    present = dict(AuditEvent.objects.filter(seq__in=[f.seq for f in findings if f.seq]).values_list("seq", "pk"))
    context = {
        "checked": walked["events"],
        "seconds": seconds,
        "checked_at": timezone.now(),
        "findings": [{"seq": f.seq, "kind": _finding_kind(f), "problem": f.problem, "pk": present.get(f.seq)}
                     for f in findings],
        "checkpoint_count": len(check.checkpoints.checkpoints),
        "latest_checkpoint": check.checkpoints.latest,
        "latest_checkpoint_source": _checkpoint_source(check.checkpoints.latest),
    }
    template = "core/_audit_verify.html" if request.headers.get("HX-Request") else "core/audit_verify.html"
    return render(request, template, context)


@audit_trail_required
@require_GET
def audit_export(request):
    """The filtered trail as an Excel workbook; rate-limited, and the export is itself an audit event."""
    if limited(request, "core.audit_export", AUDIT_EXPORT_RATE):
        return rate_limited(request)
    form, events = _filtered(request)
    back = reverse("core:audit_list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(back)
    count, limit = events.count(), getattr(settings, "AUDIT_EXPORT_MAX_ROWS", AUDIT_EXPORT_MAX_ROWS)
    if count > limit:
        messages.error(request, _("%(count)s events match; an export may hold at most %(limit)s. "
                                  "Narrow the filters, for example by date.") % {"count": count, "limit": limit})
        return redirect(back)
    headers = [_("Sequence"), _("Time"), _("Actor"), pgettext("audit", "Address"), pgettext("audit", "Action"),
               _("Action code"), _("Kind of record"), _("Record id"), pgettext("audit", "Target"), _("Clause"),
               pgettext("audit", "Reason"), _("Old values"), _("New values"), _("Request id"), _("Hash")]
    rows = []
    for chunk in _chunks(events.iterator(chunk_size=2000), 2000):
        for item in readable.read(chunk):
            event = item.event
            rows.append([
                event.seq, timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"), event.actor_label,
                event.address, item.action, event.action, item.kind, event.target_id, item.target, event.clause,
                item.reason, _values(item, "old"), _values(item, "new"), event.request_id, event.hash,
            ])
    with transaction.atomic():
        audit.record(action="core.auditevent.export", by=request.user,
                     new={"filters": form.active_filters(), "rows": len(rows)})
        return xlsx_response("audit-trail", _("Audit trail"), headers, rows)


def _finding_kind(finding) -> str:
    """The kind of a broken link in the page's language; the finding's own text stays as the command prints it."""
    kind = finding.problem.split(":", 1)[0]
    return {
        "changed": _("Changed"),
        "removed": _("Removed"),
        "inserted": _("Inserted"),
        "inserted or re-linked": _("Inserted or re-linked"),
        "shortened": _("Shortened"),
        "checkpoint": _("Checkpoint"),
    }.get(kind, kind)


def _checkpoint_source(checkpoint) -> str:
    if checkpoint is None:
        return ""
    return {"command": _("the scheduled checkpoint"), "backup": _("a backup")}.get(checkpoint.source,
                                                                                  checkpoint.source)


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _values(item, side: str) -> str:
    """One side of an event's values as the pages show them: a line per field, personal data hidden."""
    return "\n".join(_("%(field)s: %(value)s") % {"field": capfirst(change.label) or "—",
                                                    "value": getattr(change, side)}
                     for change in item.changes if getattr(change, side) is not None)


@require_safe
@never_cache
def inbox_counts(request):
    """The menu's inbox count on each group, as out-of-band swaps of the badges the menu shows (base.html)."""
    user = request.user
    groups = groups_for(user, inbox.for_request(request)) if user.is_authenticated else []
    return render(request, "core/_nav_counts.html", {"groups": groups})

import logging
import time
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import HttpResponseServerError, JsonResponse
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
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited
from rules.contrib.views import permission_required

from minsheng.core import audit, queries, readable
from minsheng.core.exports import xlsx_response
from minsheng.core.forms import AuditFilterForm
from minsheng.core.models import AuditEvent

logger = logging.getLogger("minsheng")

AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_RATE = "10/h"
AUDIT_VERIFY_RATE = "20/h"
# An export larger than this is refused with a request to narrow the filters (the workbook is built in memory).
AUDIT_EXPORT_MAX_ROWS = 20_000


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
    context = {"status": status, "title": title, "message": message, "request_id": getattr(request, "request_id", "")}
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Not allowed"), _("Your role may not open this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, pgettext("error page", "Page not found"),
                  _("There is no such page, or it is not within what you may see."))


def server_error(request):
    """Rendered without the request's context processors: no session or database is needed to say sorry."""
    context = {
        "status": 500,
        "title": _("Something went wrong"),
        "message": _("The error has been logged with the request id below. Nothing you submitted was half-saved."),
        "request_id": getattr(request, "request_id", ""),
        "csrf_token": get_token(request),  # the language switch on the page still works
    }
    try:
        html = loader.render_to_string("error.html", context)
    except Exception:
        logger.exception("the error page itself failed")
        html = f"<!doctype html><title>500</title><h1>500</h1><p>{context['title']}</p>"
    return HttpResponseServerError(html)


def rate_limited(request, exception=None):
    response = _error(request, 429, _("Too many requests"),
                      _("You have sent too many requests in a short time. Please wait a few minutes and try again."))
    response["Retry-After"] = "300"
    return response


def csrf_failure(request, reason=""):
    return _error(request, 403, _("Form expired"),
                  _("The form was open too long or was sent twice. Reload the page and send it again; "
                    "nothing was saved."))


def audit_trail_required(view):
    """Auditors and administrators only: anonymous visitors go to the login page, other roles get 403."""
    return login_required(permission_required("accounts.view_audit_trail", raise_exception=True)(view))


def _limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key="user", rate=rate, increment=True)


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
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {
        "form": form,
        "page": page,
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
    """Recompute the whole chain now and show what is broken; the check itself is recorded."""
    if _limited(request, "core.audit_verify", AUDIT_VERIFY_RATE):
        return rate_limited(request)
    started = time.perf_counter()
    walked = Counter()
    findings = list(audit.verify(progress=lambda n: walked.update(events=n)))
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
    }
    template = "core/_audit_verify.html" if request.headers.get("HX-Request") else "core/audit_verify.html"
    return render(request, template, context)


@audit_trail_required
@require_GET
def audit_export(request):
    """The filtered trail as an Excel workbook; rate-limited, and the export is itself an audit event."""
    if _limited(request, "core.audit_export", AUDIT_EXPORT_RATE):
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
    }.get(kind, kind)


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

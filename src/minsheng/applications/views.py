"""Application pages: list, start, overview, section editors with autosave, attachments, PDF, submission
review and withdrawal. Scopes come from queries.py, permissions from rules.py, writes from services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.applications import forms, pdf, queries, rule_rounds, sections, services
from minsheng.applications.models import Application, Attachment
from minsheng.calls.models import Call
from minsheng.core.permissions import allowed, require
from minsheng.core.widgets import search_reply
from minsheng.policy.models import RuleTemplate

PAGE_SIZE = 25


def _visible(request, pk: int, perm: str = "applications.view_application") -> Application:
    """The application when the user may see it (else 404) and has `perm` on it (else 403). A role with no
    access to applications at all gets 403 first, as on every page of the platform."""
    require(request.user, "applications.view_application")
    application = get_object_or_404(queries.applications_for(request.user), pk=pk)
    if not allowed(request.user, "applications.view_application", application):
        raise Http404
    if not allowed(request.user, perm, application):
        raise PermissionDenied
    return application


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _wants_json(request) -> bool:
    return request.headers.get("X-Autosave") == "1"


def _context(request, application: Application, **extra) -> dict:
    progress = sections.completeness(application)
    return {"application": application, "progress": progress, "percent": sections.percent(progress),
            "sections": sections.SECTIONS,
            "can_edit": allowed(request.user, "applications.change_application", application),
            "can_submit": allowed(request.user, "applications.submit_application", application), **extra}


# --- List and start ----------------------------------------------------------------------------------

@login_required
@require_safe
def application_list(request):
    require(request.user, "applications.view_application")
    queryset = queries.applications_for(request.user)
    state = request.GET.get("state", "")
    if state in Application.State.values:
        queryset = queryset.filter(state=state)
    call = request.GET.get("call", "")
    if call.isdigit():
        queryset = queryset.filter(call_id=int(call))
    page = Paginator(queryset.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    is_applicant = allowed(request.user, "applications.add_application")
    open_calls = queries.open_calls_for(request.user) if is_applicant else []
    return render(request, "applications/list.html", {
        "page": page, "states": Application.State.choices, "state": state, "open_calls": open_calls,
        # The calls the user has applications in: one index probe per call, not a join over every application.
        "calls": Call.objects.filter(Exists(queries.applications_for(request.user).filter(call=OuterRef("pk")))),
        "call": call, "is_applicant": is_applicant})


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request):
    require(request.user, "applications.add_application")
    call_id = request.GET.get("call") or request.POST.get("call") or ""
    if not call_id.isdigit():
        raise Http404
    call = get_object_or_404(Call.objects.filter(state=Call.State.PUBLISHED), pk=int(call_id))
    refusal = services.can_start(request.user, call)
    if request.method == "POST" and not refusal:
        topic = call.topics.filter(pk=request.POST.get("topic") or 0).first()
        try:
            application = services.start(call, by=request.user, title=request.POST.get("title", "").strip(),
                                         topic=topic)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, _("Application %(number)s started. It saves as you type.")
                             % {"number": application.number})
            return redirect("applications:edit", pk=application.pk, section="summary")
    existing = queries.applications_for(request.user).filter(call=call)
    return render(request, "applications/start.html", {"call": call, "refusal": refusal, "existing": existing},
                  status=400 if refusal and request.method == "POST" else 200)


# --- Overview and sections ---------------------------------------------------------------------------

@login_required
@require_safe
def application_detail(request, pk: int):
    application = _visible(request, pk)
    related = (Application.objects.filter(pk=application.pk)
               .prefetch_related("team__person", "budget_lines", "funding_lines__source", "ip_claims__asset",
                                 "partners__partner", "milestones", "attachments").get())
    may_take_back = allowed(request.user, "applications.withdraw_application", application)
    results = []
    if application.state not in (Application.State.DRAFT,):
        results = list(application.rule_results.filter(round=_latest_round(application)).select_related("rule"))
    return render(request, "applications/detail.html", _context(
        request, related, results=results, totals=sections.totals(related),
        totals_message=sections.totals_message(related),
        can_withdraw=may_take_back and application.state in (Application.State.SUBMITTED,
                                                              Application.State.RETURNED),
        can_discard=may_take_back and application.state == Application.State.DRAFT))


def _latest_round(application: Application) -> int:
    latest = application.rule_results.order_by("-round").values_list("round", flat=True).first()
    return latest or 0


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk: int, section: str):
    if section not in sections.BY_KEY:
        raise Http404
    application = _visible(request, pk, "applications.change_application")
    spec = sections.BY_KEY[section]
    if request.method == "POST":
        try:
            bundle = services.save_section(application, section, request.POST, version=_version(request),
                                           by=request.user)
        except ValidationError as error:
            if _wants_json(request):
                return JsonResponse({"saved": False, "errors": error.messages}, status=409)
            messages.error(request, " ".join(error.messages))
            bundle = spec.bind(application, request.POST)
            bundle.is_valid()
            return render(request, "applications/edit.html",
                          _context(request, application, spec=spec, bundle=bundle, stale=True), status=409)
        valid = bundle.is_valid()
        if _wants_json(request):
            progress = sections.completeness(application)
            missing = [str(m) for p in progress if p.section.key == section for m in p.missing]
            saved_at = timezone.localtime(application.updated_at).strftime("%H:%M:%S")
            return JsonResponse({
                "saved": valid, "version": application.version, "errors": [] if valid else bundle.errors(),
                "saved_at": saved_at, "percent": sections.percent(progress), "missing": missing,
                "status": _saved_status(missing, saved_at)},
                status=200 if valid else 422)
        if valid:
            missing = spec.missing(application)
            if missing:     # saved, but not as it must be to submit: say so, never a plain green "saved"
                messages.warning(request, _saved_but(spec, missing))
            else:
                messages.success(request, _("“%(section)s” saved.") % {"section": spec.label})
            return redirect("applications:edit", pk=application.pk, section=section)
        return render(request, "applications/edit.html", _context(request, application, spec=spec, bundle=bundle),
                      status=422)
    bundle = spec.bind(application, None)
    if (reply := search_reply(request, *bundle.parts.values())) is not None:  # a row's search-as-you-type choice
        return reply
    return render(request, "applications/edit.html", _context(request, application, spec=spec, bundle=bundle))


def _listing(missing: list[str]) -> str:
    """What a section still lacks, as one run of text (its items may be whole sentences)."""
    return pgettext("list separator", "; ").join(m.rstrip("。.") for m in missing)


def _saved_but(spec, missing: list[str]) -> str:
    return _("“%(section)s” saved, but it is not complete yet: %(missing)s.") % {
        "section": spec.label, "missing": _listing(missing)}


def _saved_status(missing: list[str], saved_at: str) -> str:
    """The autosave line: when it saved, and what the section still lacks."""
    if missing:
        return _("Saved at %(time)s, but not complete yet: %(missing)s.") % {"time": saved_at,
                                                                              "missing": _listing(missing)}
    return _("Saved at %(time)s.") % {"time": saved_at}


# --- Attachments -------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def attachment_list(request, pk: int):
    application = _visible(request, pk)
    form = forms.AttachmentForm()
    status = 200
    if request.method == "POST":
        application = _visible(request, pk, "applications.change_application")
        form = forms.AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_attachment(application, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
                                        content_type=form.cleaned_data["content_type"],
                                        version=_version(request), by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 409
            else:
                messages.success(request, _("“%(name)s” uploaded.") % {"name": form.cleaned_data["file"].name})
                return redirect("applications:attachments", pk=application.pk)
        else:
            status = 400
    return render(request, "applications/attachments.html",
                  _context(request, application, form=form, attachments=application.attachments.all()), status=status)


def _attachment(request, pk: int, attachment_pk: int, perm="applications.view_application") -> Attachment:
    application = _visible(request, pk, perm)
    return get_object_or_404(application.attachments.select_related("application"), pk=attachment_pk)


@login_required
@require_safe
def attachment_download(request, pk: int, attachment_pk: int):
    attachment = _attachment(request, pk, attachment_pk)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    attachment = _attachment(request, pk, attachment_pk, "applications.change_application")
    try:
        services.delete_attachment(attachment, version=_version(request), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” deleted.") % {"name": attachment.original_name})
    return redirect("applications:attachments", pk=pk)


# --- PDF, submission, withdrawal ---------------------------------------------------------------------

@login_required
@require_safe
def application_pdf(request, pk: int):
    application = _visible(request, pk)
    response = HttpResponse(pdf.render(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.number}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request, pk: int):
    application = _visible(request, pk, "applications.submit_application")
    if request.method == "POST":
        try:
            first = services.submit(application, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("applications:submit", pk=application.pk)
        if first:
            messages.success(request, _("Application %(number)s submitted at %(at)s.") % {
                "number": application.number,
                "at": timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M:%S")})
        else:
            messages.info(request, _("Application %(number)s had already been submitted; it was submitted once.")
                          % {"number": application.number})
        return redirect("applications:detail", pk=application.pk)
    outcomes = rule_rounds.preview(application) if application.state in services.states.EDITABLE else []
    return render(request, "applications/submit.html", _context(
        request, application, outcomes=outcomes, refusal=services.submit_refusal(application),
        failed=[o for o in outcomes if not o.passed and o.rule.template.kind == RuleTemplate.Kind.ELIGIBILITY]))


@login_required
@require_POST
def application_withdraw(request, pk: int):
    """Withdraw a submitted application, or discard a draft: the same step for a draft, which has nothing to
    withdraw yet, so the overview offers it under its own name and without a reason to give."""
    application = _visible(request, pk, "applications.withdraw_application")
    try:
        if request.POST.get("discard") == "draft":
            services.discard_draft(application, by=request.user)
            done = _("Draft %(number)s discarded.")
        else:
            services.withdraw(application, by=request.user, reason=request.POST.get("reason", ""))
            done = _("Application %(number)s withdrawn.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"number": application.number})
    return redirect("applications:detail", pk=application.pk)


def start_url(call: Call) -> str:
    return f"{reverse('applications:start')}?call={call.pk}"

"""Projects under way (M17): a project's reporting periods, reports, indicator progress and mid-term check; the
form the organisation files a report with; one report with the officer's decision; the officers' list of late and
waiting reports. Thin: scope from queries, permissions from rules, writes from services."""

import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.applications.models import BudgetLine
from minsheng.calls.models import Call
from minsheng.contracts import queries as contracts
from minsheng.core import clock
from minsheng.core.permissions import allowed, permission_required
from minsheng.core.uploads import ACCEPT
from minsheng.core.widgets import search_reply
from minsheng.outcomes.queries import transfers_of
from minsheng.projects import changes as change_rules
from minsheng.projects import queries, services, states, timeline
from minsheng.projects.forms import CHANGE_FORMS, ChangeDecisionForm, CitationsForm, DecisionForm, MidtermForm
from minsheng.projects.models import ChangeRequest, MidtermCheck, MilestoneProgress, ProgressReport, Termination
from minsheng.projects.termination_views import termination_context

CATEGORIES = dict(BudgetLine.Category.choices)


def cited_for(user, achievements) -> list[tuple]:
    """(achievement, may the user open its page) for the achievements a report or an acceptance file cites."""
    return [(a, allowed(user, "outcomes.view_achievement", a)) for a in achievements.select_related("ip_asset")]


def _refused(request, error) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else (str(error) or _("You may not do "
                                                                                                 "this."))
    messages.error(request, text)


def _latest_progress(project) -> tuple[dict[str, Decimal], dict[int, MilestoneProgress]]:
    """From the latest submitted or accepted report: the value reached per indicator code, and each milestone's
    progress row by milestone id (both empty before the first report)."""
    report = project.progress_reports.filter(state__in=states.FILED).order_by("-period").first()
    if report is None:
        return {}, {}
    return ({row.indicator.code: row.value for row in report.indicators.select_related("indicator")},
            {row.milestone_id: row for row in report.milestones.all()})


@require_safe
@permission_required("projects.view", scope=queries.projects_for, object_perm="projects.view")
def project_reports(request, project):
    return _reports_page(request, project)


def _reports_page(request, project, *, midterm_form=None, status=200):
    user = request.user
    book = queries.signed_book(project)
    rows = queries.period_rows(project)
    latest, statuses = _latest_progress(project)
    indicators = []
    if book is not None:
        for indicator in book.indicators.all():
            value = latest.get(indicator.code)
            share = min(100, int(value * 100 / indicator.target)) if value is not None and indicator.target else 0
            indicators.append({"indicator": indicator, "value": value, "share": share})
    milestones = [(m, statuses.get(m.pk)) for m in book.milestones.all()] if book is not None else []
    check = MidtermCheck.objects.filter(project=project).select_related("recorded_by").first()
    can_file = allowed(user, "projects.file_report", project)
    late = [row for row in rows if row.late]
    return render(request, "projects/project_reports.html", {
        "project": project, "book": book, "rows": rows, "late": len(late),
        "money": contracts.money_of(project), "completion": queries.completion([project])[project.pk],
        "timeline": timeline.entries(project, user, late_periods=late),
        "indicators": indicators, "milestones": milestones, "check": check, "can_file": can_file,
        "can_check": allowed(user, "projects.record_midterm_now", project),
        "may_check": allowed(user, "projects.record_midterm", project),
        "has_accepted": project.progress_reports.filter(state=ProgressReport.State.ACCEPTED).exists(),
        "midterm_form": midterm_form or MidtermForm(),
        "changes": _change_rows(queries.changes_for(user).filter(project=project)),
        "can_request_change": book is not None and allowed(user, "projects.request_change", project),
        **termination_context(user, project),
        "project_transfers": transfers_of(project, user),
        "may_open_transfers": allowed(user, "outcomes.view_transfer"),
    }, status=status)


_MILESTONE = re.compile(r"^m(\d+)_status$")
_INDICATOR = re.compile(r"^i(\d+)_value$")


def _filing(post) -> services.Filing:
    """Every milestone and indicator the form sent, including any the task book does not have: the service
    refuses those by name, so a tampered form gets a message, not silence."""
    milestones, indicators = {}, {}
    for key in post:
        if match := _MILESTONE.match(key):
            pk = int(match.group(1))
            milestones[pk] = (post.get(key, ""), post.get(f"m{pk}_work", ""))
        elif match := _INDICATOR.match(key):
            pk = int(match.group(1))
            indicators[pk] = (post.get(key, ""), post.get(f"i{pk}_evidence", ""))
    return services.Filing(milestones=milestones, indicators=indicators, problems=post.get("problems", ""),
                           achievements=post.getlist("achievements"))


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("projects.file_report", scope=queries.projects_for, object_perm="projects.file_report")
def file_report(request, project, period: int):
    book = queries.signed_book(project)
    found = next((p for p in queries.periods_of(project, book) if p.number == period), None)
    if found is None:
        raise Http404
    if found.starts_on > clock.today():
        messages.info(request, _("Period %(n)s begins on %(date)s; its report is filed once it has begun.")
                      % {"n": period, "date": found.starts_on.isoformat()})
        return redirect("projects:project", pk=project.pk)
    report = project.progress_reports.filter(period=period).first()
    if report is not None and report.state in states.FILED:
        messages.info(request, _("The report for this period is already “%(state)s”.")
                      % {"state": report.get_state_display()})
        return redirect("projects:report", pk=report.pk)
    status = 200
    if request.method == "POST":
        filing = _filing(request.POST)
        filing.files = request.FILES.getlist("evidence_files")
        try:
            saved = services.submit_report(project, period, filing, by=request.user)
        except ValidationError as error:
            _refused(request, error)
            status = 400
            typed = {"m": {pk: v for pk, v in filing.milestones.items()},
                     "i": {pk: v for pk, v in filing.indicators.items()}, "problems": filing.problems,
                     "achievements": filing.achievements}
        else:
            messages.success(request, _("The progress report for period %(n)s was submitted; the programme office "
                                        "will review it.") % {"n": period})
            return redirect("projects:report", pk=saved.pk)
    elif report is not None:     # a returned report is filed again from what it said
        typed = {"m": {row.milestone_id: (row.status, row.work_done) for row in report.milestones.all()},
                 "i": {row.indicator_id: (row.value, row.evidence) for row in report.indicators.all()},
                 "problems": report.problems, "achievements": [a.pk for a in report.achievements.all()]}
    else:
        typed = {"m": {}, "i": {}, "problems": "", "achievements": []}
    milestones = [(m, *typed["m"].get(m.pk, ("", ""))) for m in book.milestones.all()]
    indicators = [(i, *typed["i"].get(i.pk, ("", ""))) for i in book.indicators.all()]
    spent = queries.spent_by_category(project, found.ends_on)
    return render(request, "projects/report_form.html", {
        "project": project, "book": book, "period": found, "report": report, "milestones": milestones,
        "indicators": indicators, "problems": typed["problems"], "statuses": MilestoneProgress.Status.choices,
        "spent": [(CATEGORIES.get(c, c), amount) for c, amount in spent.items()],
        "spent_total": sum(spent.values(), Decimal("0")),
        "citations": CitationsForm(project, initial={"achievements": typed["achievements"]}),
        "evidence_files": report.evidence_files.all() if report is not None else [], "accept": ACCEPT,
    }, status=status)


def _report_page(request, report, *, form=None, status=200):
    steps = states.REPORT.steps_for(request.user, report)
    spent = [(CATEGORIES.get(c, c), Decimal(a)) for c, a in report.spent.items()]
    return render(request, "projects/report_detail.html", {
        "report": report, "project": report.project, "steps": steps,
        "milestones": report.milestones.select_related("milestone"),
        "indicators": report.indicators.select_related("indicator"),
        "cited": cited_for(request.user, report.achievements.all()),
        "evidence_files": report.evidence_files.all(),
        "spent": spent, "spent_total": sum((a for _c, a in spent), Decimal("0")),
        "form": form or DecisionForm(),
    }, status=status)


@require_safe
@permission_required("projects.view", scope=queries.reports_for)
def report_detail(request, report):
    return _report_page(request, report)


def _decide(request, obj, step, done, *, form_class, page, route):
    """An officer's decision with comments on a report or a change request: the form, the service step, the
    refusal shown on the object's page (400 for the form, 409 when the step is refused) or the success message
    (`done`, text or a function of the decided object) and back to the object's page."""
    form = form_class(request.POST)
    if not form.is_valid():
        return page(request, obj, form=form, status=400)
    try:
        step(obj, by=request.user, comments=form.cleaned_data["comments"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        obj.refresh_from_db()
        return page(request, obj, form=form, status=409)
    obj.refresh_from_db()
    messages.success(request, done(obj) if callable(done) else done)
    return redirect(route, pk=obj.pk)


def _decide_report(request, report, step, done: str):
    return _decide(request, report, step, done, form_class=DecisionForm, page=_report_page, route="projects:report")


@require_safe
@permission_required("projects.view", scope=queries.reports_for)
def report_evidence(request, report, file_pk: int):
    """One evidence file of a report, to those who may view the project; another organisation's answers 404."""
    row = get_object_or_404(report.evidence_files, pk=file_pk)
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.original_name,
                            content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@permission_required("projects.decide_report", scope=queries.reports_for)
def report_accept(request, report):
    return _decide_report(request, report, services.accept_report, _("The progress report was accepted."))


@require_POST
@permission_required("projects.decide_report", scope=queries.reports_for)
def report_return(request, report):
    return _decide_report(request, report, services.return_report,
                   _("The progress report went back to the organisation with your comments."))


@require_POST
@permission_required("projects.record_midterm", scope=queries.projects_for)
def midterm(request, project):
    form = MidtermForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the result and write down the findings of the check."))
        return _reports_page(request, project, midterm_form=form, status=400)
    try:
        services.record_midterm(project, by=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return _reports_page(request, project, midterm_form=form, status=409)
    messages.success(request, _("The mid-term check was recorded."))
    return redirect("projects:project", pk=project.pk)


@require_safe
@permission_required("projects.view_queue")
def queue(request):
    seen = queries.projects_for(request.user).filter(call=OuterRef("pk"))
    calls = (Call.objects.filter(Exists(seen)).order_by("code") if allowed(request.user, "projects.export") else [])
    return render(request, "projects/queue.html", {"rows": queries.queue(request.user), "calls": calls,
                                                   "changes": _change_rows(queries.waiting_changes(request.user)),
                                                   "terminations": queries.terminations_for(request.user).filter(
                                                       state__in=Termination.OPEN).order_by("pk")})


# --- Change requests (项目变更) -------------------------------------------------------------------------------

def _change_rows(changes_qs) -> list[tuple]:
    return [(change, change_rules.describe(change)) for change in changes_qs]


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("projects.request_change", scope=queries.projects_for, object_perm="projects.request_change")
def change_new(request, project):
    book = queries.signed_book(project)
    if book is None:
        raise Http404
    kind = request.GET.get("kind") or request.POST.get("kind") or ChangeRequest.Kind.BUDGET
    if kind not in CHANGE_FORMS:
        raise Http404
    form_class, status = CHANGE_FORMS[kind], 200
    if request.method == "POST":
        form = form_class(request.POST, project=project, book=book)
        if form.is_valid():
            try:
                change = services.request_change(project, by=request.user, kind=kind, proposal=form.proposal(),
                                                 reason=form.cleaned_data["reason"])
            except ValidationError as error:
                _refused(request, error)
                status = 400
            else:
                messages.success(request, _("Your change request was submitted; the programme office will decide "
                                            "on it."))
                return redirect("projects:change", pk=change.pk)
        else:
            status = 400
    else:
        form = form_class(project=project, book=book)
        if (reply := search_reply(request, form)) is not None:  # the matches of a SearchSelect field
            return reply
    return render(request, "projects/change_form.html", {
        "project": project, "book": book, "kind": kind, "form": form, "rule": change_rules.RULES[kind],
        "kinds": ChangeRequest.Kind.choices, "waiting": queries.changes_for(request.user).filter(
            project=project, state__in=ChangeRequest.OPEN).first(),
    }, status=status)


def _change_page(request, change, *, form=None, status=200):
    steps = states.CHANGE.steps_for(request.user, change)
    may_approve = steps["approve"] or steps["endorse"] or steps["second"]
    return render(request, "projects/change_detail.html", {
        "change": change, "project": change.project, "description": change_rules.describe(change),
        "rule": change_rules.RULES[change.kind], "steps": steps, "may_approve": may_approve,
        "may_reject": steps["reject"], "may_withdraw": steps["withdraw"],
        "form": form or ChangeDecisionForm(),
    }, status=status)


@require_safe
@permission_required("projects.view", scope=queries.changes_for)
def change_detail(request, change):
    return _change_page(request, change)


def _decide_change(request, change, step, done):
    return _decide(request, change, step, done, form_class=ChangeDecisionForm, page=_change_page,
                   route="projects:change")


def _approved(change) -> str:
    if change.state == ChangeRequest.State.ENDORSED:
        return _("Your approval was recorded; the change now waits for a second officer.")
    return _("The change was approved: task book version %(n)s was started with it, for the organisation to "
             "confirm and the programme office to countersign.") % {"n": change.result_book.number}


@require_POST
@permission_required("projects.decide_change", scope=queries.changes_for)
def change_approve(request, change):
    return _decide_change(request, change, services.approve_change, _approved)


@require_POST
@permission_required("projects.decide_change", scope=queries.changes_for)
def change_reject(request, change):
    return _decide_change(
        request, change, lambda c, *, by, comments: services.reject_change(c, by=by, reason=comments),
        lambda c: _("The change was rejected; the organisation reads your reason."))


@require_POST
@permission_required("projects.request_change", scope=queries.changes_for)
def change_withdraw(request, change):
    try:
        services.withdraw_change(change, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        change.refresh_from_db()
        return _change_page(request, change, status=409)
    messages.success(request, _("Your change request was withdrawn."))
    return redirect("projects:change", pk=change.pk)

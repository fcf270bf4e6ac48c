"""Termination and recovery of funds (终止与经费追回, M17) on the pages: the organisation's request, an officer's
proposal (also from a mid-term check that proposed termination), one termination with its review, decision,
recovery and receipts, and finance's list of recoveries due and overdue with its Excel export. Thin: scope from
queries, permissions from rules, writes from projects.termination."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.core import clock, once
from minsheng.core.exports import export_response
from minsheng.core.money import in_wan, wan
from minsheng.core.permissions import allowed, permission_required
from minsheng.projects import queries, states
from minsheng.projects import termination as ending
from minsheng.projects.forms import (
    ApprovalForm,
    ProposalForm,
    ReasonForm,
    ReceiptForm,
    TerminationRequestForm,
)
from minsheng.projects.models import CLAUSE_OF_GROUNDS, MidtermCheck, Termination

Grounds = Termination.Grounds
SHOWS = ("open", "overdue", "settled", "all")


def _refused(request, error) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else (str(error) or _("You may not do "
                                                                                                 "this."))
    messages.error(request, text)


def _misused(form) -> list:
    return [ending.Misused(amount=amount, reason=reason) for amount, reason in form.misused()]


def termination_context(user, project) -> dict:
    """What the project page shows of its terminations and offers: the request form to the organisation, the
    proposal to an officer, and the mid-term check's proposal to act on."""
    check = MidtermCheck.objects.filter(project=project, result=MidtermCheck.Result.TERMINATE).first()
    return {
        "terminations": project.terminations.select_related("proposed_by", "requested_by", "decided_by"),
        "can_request_termination": allowed(user, "projects.request_termination", project),
        "can_start_termination": allowed(user, "projects.start_termination", project),
        "termination_check": check,
        "request_form": TerminationRequestForm(),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("projects.propose_termination", scope=queries.projects_for,
                     object_perm="projects.start_termination")
def propose(request, project):
    from_midterm = request.GET.get("from") == "midterm" or request.POST.get("from_midterm") == "1"
    check = MidtermCheck.objects.filter(project=project, result=MidtermCheck.Result.TERMINATE).first()
    if from_midterm and check is None:
        from_midterm = False
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST)
        if form.is_valid():
            try:
                termination = ending.propose_termination(
                    project, by=request.user, grounds=form.cleaned_data["grounds"],
                    reason=form.cleaned_data["reason"], misused=_misused(form), from_midterm=from_midterm)
            except (ValidationError, PermissionDenied) as error:
                _refused(request, error)
                status = 409
            else:
                messages.success(request, _("The termination was proposed; another officer decides on it."))
                return redirect("projects:termination", pk=termination.pk)
        else:
            messages.error(request, _("Choose the grounds and give the reason; check the amounts."))
            status = 400
    else:
        initial = {"grounds": Grounds.MIDTERM, "reason": check.reason} if from_midterm else {}
        form = ProposalForm(initial=initial)
    return render(request, "projects/termination_propose.html", {
        "project": project, "form": form, "from_midterm": from_midterm, "check": check if from_midterm else None,
        "money": ending.money_now(project), "clauses": _clauses(),
    }, status=status)


def _clauses():
    return [(label, CLAUSE_OF_GROUNDS[value]) for value, label in Grounds.choices]


@require_POST
@permission_required("projects.request_termination", scope=queries.projects_for,
                     object_perm="projects.view")
def request_termination(request, project):
    form = TerminationRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the organisation asks for the project to be terminated."))
        return redirect("projects:project", pk=project.pk)
    try:
        termination = ending.request_termination(project, by=request.user, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return redirect("projects:project", pk=project.pk)
    messages.success(request, _("The request to terminate the project was sent; the programme office reviews it."))
    return redirect("projects:termination", pk=termination.pk)


def _page(request, termination, *, forms=None, status=200):
    user = request.user
    forms = forms or {}
    recovery = getattr(termination, "recovery", None) if termination.state == Termination.State.APPROVED else None
    money = None
    if termination.is_open:
        try:
            money = ending.money_now(termination.project, termination.misused)
        except ValidationError:        # spending reversed since the proposal: the approval will say so
            money = None
    return render(request, "projects/termination_detail.html", {
        "termination": termination, "project": termination.project, "steps": states.TERMINATION.steps_for(user,
                                                                                                        termination),
        "misused_lines": termination.misused_lines.all(), "money": money, "recovery": recovery,
        "receipts": recovery.receipts.select_related("recorded_by") if recovery else [],
        "overdue": recovery.overdue_on(clock.today()) if recovery else False,
        "can_receive": recovery is not None and recovery.settled_on is None
        and allowed(user, "projects.record_receipt", termination.project),
        "may_debar": termination.grounds in Termination.DUTY_FAILURES,
        "debarments": termination.debarments.select_related("organisation", "person"),
        "review_form": forms.get("review") or ProposalForm(initial={"grounds": termination.grounds},
                                                           with_reason=False),
        "decline_form": forms.get("decline") or ReasonForm(),
        "approval_form": forms.get("approve") or ApprovalForm(),
        "reject_form": forms.get("reject") or ReasonForm(),
        "receipt_form": forms.get("receipt") or ReceiptForm(initial={"received_on": clock.today()}),
    }, status=status)


@require_safe
@permission_required("projects.view", scope=queries.terminations_for)
def detail(request, termination):
    return _page(request, termination)


def _act(request, termination, name: str, form, act, done: str):
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {
            "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)})
        return _page(request, termination, forms={name: form}, status=400)
    try:
        act(form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        termination.refresh_from_db()
        return _page(request, termination, forms={name: form}, status=409)
    messages.success(request, done)
    return redirect("projects:termination", pk=termination.pk)


@require_POST
@permission_required("projects.propose_termination", scope=queries.terminations_for)
def review(request, termination):
    form = ProposalForm(request.POST, with_reason=False)
    return _act(request, termination, "review", form, lambda data: ending.endorse_request(
        termination, by=request.user, grounds=data["grounds"], review=data["reason"], misused=_misused(form)),
        _("The request was proposed for termination; another officer decides on it."))


@require_POST
@permission_required("projects.propose_termination", scope=queries.terminations_for)
def decline(request, termination):
    return _act(request, termination, "decline", ReasonForm(request.POST), lambda data: ending.decline_request(
        termination, by=request.user, reason=data["reason"]), _("The request was declined; the organisation reads "
                                                                 "your reason."))


@require_POST
@permission_required("projects.decide_termination", scope=queries.terminations_for)
def approve(request, termination):
    def act(data):
        ending.approve_termination(termination, by=request.user, reason=data["reason"], due_on=data["due_on"],
                                   debar=ending.Debar(organisation=data["debar_organisation"],
                                                      lead=data["debar_lead"], reason=data["debar_reason"],
                                                      until=data["debar_until"]))

    return _act(request, termination, "approve", ApprovalForm(request.POST), act,
                _("The termination was approved: the project is terminated and its unpaid tranches cancelled."))


@require_POST
@permission_required("projects.decide_termination", scope=queries.terminations_for)
def reject(request, termination):
    return _act(request, termination, "reject", ReasonForm(request.POST), lambda data: ending.reject_termination(
        termination, by=request.user, reason=data["reason"]), _("The termination was rejected; the project goes "
                                                                 "on."))


@require_POST
@permission_required("projects.record_receipt", scope=queries.recoveries_for)
def receipt(request, recovery):
    """Money received back, recorded once per form sent (core/once.py)."""
    termination = recovery.termination
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return _act(request, termination, "receipt", form, None, "")
    data = form.cleaned_data
    try:
        once.record(request, key=once.form_key(request), action="projects.recovery.receive",
                    write=lambda: ending.record_receipt(recovery, by=request.user, amount=data["amount"],
                                                        received_on=data["received_on"],
                                                        bank_reference=data["bank_reference"]))
    except once.AlreadyRecorded as replay:
        messages.info(request, str(replay))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return _page(request, termination, forms={"receipt": form}, status=409)
    else:
        messages.success(request, _("%(amount)s 万元 received was recorded against the recovery.")
                         % {"amount": wan(data["amount"], exact=True)})
    return redirect("projects:termination", pk=termination.pk)


def _show(request) -> str:
    show = request.GET.get("show", "open")
    return show if show in SHOWS else "open"


@require_safe
@permission_required("projects.view_recoveries")
def recoveries(request):
    show = _show(request)
    rows = queries.recovery_rows(request.user, show)
    return render(request, "projects/recoveries.html", {
        "rows": rows, "show": show, "shows": [(s, _label(s)) for s in SHOWS],
        "outstanding": sum((r["outstanding"] for r in rows), Decimal("0")),
        "overdue": sum(1 for r in rows if r["overdue"]),
    })


def _label(show: str) -> str:
    return {"open": _("Still owed"), "overdue": _("Overdue"), "settled": _("Settled"), "all": _("All")}[show]


@require_safe
@permission_required("projects.view_recoveries")
def recoveries_export(request):
    show = _show(request)
    headers = [_("Project number"), _("Title"), _("Organisation"), _("Grounds"), _("Amount (万元)"),
               _("Received (万元)"), _("Still owed (万元)"), _("Due on"), _("Overdue"), _("Settled on")]

    def rows():
        for row in queries.recovery_rows(request.user, show):
            recovery = row["recovery"]
            yield [recovery.project.number, recovery.project.title, recovery.project.organisation.name_zh,
                   recovery.termination.get_grounds_display(), in_wan(recovery.amount), in_wan(row["received"]),
                   in_wan(row["outstanding"]), recovery.due_on.isoformat(), _("Yes") if row["overdue"] else "",
                   recovery.settled_on.isoformat() if recovery.settled_on else ""]

    return export_response(request, group="projects.export", action="projects.recovery.export",
                           filename="recoveries", title=_("Recoveries of funds"), headers=headers, rows=rows,
                           details={"show": show}, reason=_("Recoveries of funds export"), clause="M17")

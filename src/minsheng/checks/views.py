"""The formal check's pages (形式审查): the calls, one call's applications with their rule results, one
application with its decision form, the Excel export. Thin: scope from queries.py, permissions from
rules.py, writes from services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from minsheng.applications.models import Application
from minsheng.checks import queries, services
from minsheng.checks import rules as check_rules  # noqa: F401  (registers the permissions)
from minsheng.checks.forms import CommentForm, DecisionForm
from minsheng.core.exports import export_response
from minsheng.core.permissions import require
from minsheng.core.workflow import TransitionRefused

VIEW, DECIDE, COMMENT = ("applications.view_formal_check", "applications.decide_formal_check",
                         "applications.comment_on_application")


@require_safe
@login_required
def call_list(request):
    require(request.user, VIEW)
    submitted = Q(applications__submitted_at__isnull=False)
    calls = (queries.calls_for(request.user)
             .annotate(total=Count("applications", filter=submitted),
                       waiting=Count("applications", filter=Q(applications__state__in=[
                           Application.State.SUBMITTED, Application.State.IN_CHECK]))).order_by("-closes_at"))
    return render(request, "checks/call_list.html", {"calls": calls})


def _filters(request, call):
    state = request.GET.get("state", "")
    state = state if state in Application.State.values else ""
    rule = request.GET.get("rule", "")
    rule = int(rule) if rule.isdigit() and call.rules.filter(pk=int(rule)).exists() else None
    return state, rule


@require_safe
@login_required
def call_table(request, pk: int):
    require(request.user, VIEW)
    call = get_object_or_404(queries.calls_for(request.user), pk=pk)
    state, rule = _filters(request, call)
    rows, by_state, by_rule = queries.call_table(request.user, call, state=state, failing_rule=rule)
    rules = list(call.rules.select_related("template").order_by("order", "pk"))
    top = max([*by_state.values(), *by_rule.values(), 1])
    chart_states = [(s, by_state.get(s.value, 0), top) for s in Application.State if s != Application.State.DRAFT]
    chart_rules = [(r, by_rule.get(r.pk, 0), top) for r in rules]
    return render(request, "checks/call_table.html", {
        "call": call, "rows": [(a, [per_rule.get(r.pk) for r in rules]) for a, per_rule in rows], "rules": rules,
        "state": state, "rule": rule, "states": [s for s in Application.State if s != Application.State.DRAFT],
        "chart_states": chart_states, "chart_rules": chart_rules, "top": top,
        "can_decide": request.user.has_perm(DECIDE),
        "waiting": by_state.get(Application.State.SUBMITTED, 0),
    })


def _yes_no(result):
    if result is None:
        return ""
    mark = "✓" if result.passed else ("✗→✓" if result.overridden_by_id else "✗")
    text = f"{mark} {result.explanation}"
    if result.overridden_by_id:
        text += " | " + _("Overridden: %(reason)s") % {"reason": result.override_reason}
    return text


@require_safe
@login_required
def call_export(request, pk: int):
    require(request.user, VIEW)
    call = get_object_or_404(queries.calls_for(request.user), pk=pk)
    state, rule = _filters(request, call)
    rules = list(call.rules.select_related("template").order_by("order", "pk"))
    headers = [_("Application number"), _("Project title"), _("Applicant organisation"),
               _("Unified social credit code"), _("Project lead"), _("State"), _("Submitted at"), _("Round"),
               *[f"{r.template.clause_code} {r.template.name}" for r in rules],
               _("Failed rules"), _("Priority bonus"), _("Decision"), _("Reason"), _("Correction deadline")]

    def lines():
        rows, _by_state, _by_rule = queries.call_table(request.user, call, state=state, failing_rule=rule)
        for application, per_rule in rows:
            results = [per_rule.get(r.pk) for r in rules]
            shown = [r for r in results if r is not None]
            decision = next(iter(application.check_decisions.all()), None)
            yield [application.number, application.title, application.organisation.name_zh,
                   application.organisation.credit_code, application.lead.name if application.lead else "",
                   application.get_state_display(), _when(application.submitted_at),
                   shown[0].round if shown else "", *[_yes_no(r) for r in results],
                   sum(1 for r in shown if not r.passed and not r.overridden_by_id),
                   float(sum(r.bonus for r in shown)),
                   decision.get_decision_display() if decision else "", decision.reason if decision else "",
                   _when(decision.deadline) if decision else ""]

    return export_response(
        request, group="checks.export", action="applications.application.export",
        filename=f"formal-check-{call.code}", title=_("Formal check"), headers=headers, rows=lines, target=call,
        details={"state": state, "rule": rule}, reason=_("Formal check export"), clause="M17")


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@require_POST
@login_required
def start(request, pk: int):
    require(request.user, DECIDE)
    call = get_object_or_404(queries.calls_for(request.user), pk=pk)
    moved = services.start_check(call, by=request.user)
    if moved:
        messages.success(request, _("The formal check has started for %(n)s application(s); they can no longer be "
                                    "withdrawn.") % {"n": moved})
    else:
        messages.info(request, _("No submitted application is waiting for the formal check."))
    return redirect("checks:call_table", pk=call.pk)


def _application(request, pk):
    return get_object_or_404(queries.applications_for(request.user), pk=pk)


def _detail(request, application, *, form=None, comment_form=None, status=200):
    results = queries.application_results(application)
    failed = [r for r in results if not r.passed and not r.overridden_by_id]
    can_decide = request.user.has_perm("applications.application.check_pass", application)
    return render(request, "checks/application.html", {
        "application": application, "call": application.call, "results": results,
        "rounds": application.rule_results.values_list("round", flat=True).distinct().count(),
        "decisions": application.check_decisions.select_related("decided_by"),
        "comments": application.comments.select_related("author"),
        "can_decide": can_decide, "can_comment": request.user.has_perm(COMMENT, application),
        "form": form or DecisionForm(failed_results=failed), "comment_form": comment_form or CommentForm(),
    }, status=status)


@require_safe
@login_required
def application_detail(request, pk: int):
    require(request.user, VIEW)
    return _detail(request, _application(request, pk))


@require_POST
@login_required
def decide(request, pk: int):
    require(request.user, DECIDE)
    application = _application(request, pk)
    failed = [r for r in queries.application_results(application) if not r.passed and not r.overridden_by_id]
    form = DecisionForm(request.POST, failed_results=failed)
    if form.is_valid():
        try:
            record = services.decide(application, by=request.user, decision=form.cleaned_data["decision"],
                                     reason=form.cleaned_data["reason"], deadline=form.cleaned_data["deadline"],
                                     overrides=form.overrides())
        except TransitionRefused as exc:
            messages.error(request, exc.messages[0])
            return redirect("checks:application", pk=application.pk)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field == "overrides":
                    for name in (f"override_{r.pk}" for r in failed if not form.cleaned_data.get(f"override_{r.pk}")):
                        form.add_error(name, errors[0])
                else:
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Decision recorded: %(decision)s. The applicant has been told by e-mail.")
                             % {"decision": record.get_decision_display()})
            return redirect("checks:call_table", pk=application.call_id)
    application.refresh_from_db()
    return _detail(request, application, form=form, status=400)


@require_POST
@login_required
def comment(request, pk: int):
    require(request.user, COMMENT)
    application = _application(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment(application, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error("text", exc.messages)
        else:
            messages.success(request, _("Comment added."))
            return redirect("checks:application", pk=application.pk)
    return _detail(request, application, comment_form=form, status=400)

"""The formal check's pages (形式审查): the calls, one call's applications with their rule results, one
application with its decision form, the Excel export. Thin: scope from queries.py, permissions from
rules.py, writes from services.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from minsheng.applications.models import Application
from minsheng.checks import queries, services
from minsheng.checks import rules as check_rules  # noqa: F401  (registers the permissions)
from minsheng.checks.forms import CommentForm, DecisionForm
from minsheng.checks.models import CheckDecision
from minsheng.core import listing
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


PAGE_SIZE = 50
COLUMNS = (listing.Column(gettext_lazy("Application number"), "number"),
           listing.Column(gettext_lazy("Project title")),
           listing.Column(gettext_lazy("Applicant organisation"), "organisation"),
           listing.Column(gettext_lazy("State"), "state"))


def _rules(call) -> list:
    return list(call.rules.select_related("template").order_by("order", "pk"))


@require_safe
@login_required
def call_table(request, pk: int):
    """The counts per state and failed rule over the whole call (aggregates in the database), and one page of the
    applications, searched, filtered and sorted on the server: the page does not grow with the call."""
    require(request.user, VIEW)
    call = get_object_or_404(queries.calls_for(request.user), pk=pk)
    rules = _rules(call)
    state = listing.parse(queries.check_listing(rules), request.GET)
    by_state, by_rule = queries.call_counts(request.user, call)
    state.counts = by_state             # the state select shows the whole call's counts, as the chart does
    page_obj = listing.page_of(request, listing.apply(queries.call_rows(request.user, call), state), size=PAGE_SIZE)
    results = queries.latest_results(page_obj.object_list)
    states = [s for s in Application.State if s != Application.State.DRAFT]
    top = max([*by_state.values(), *by_rule.values(), 1])
    return render(request, "checks/call_table.html", {
        "call": call, "page_obj": page_obj, "rules": rules, "state": state,
        "rows": [(a, [results.get(a.pk, {}).get(r.pk) for r in rules]) for a in page_obj.object_list],
        "filters": listing.filter_widgets(state), "states": states,
        "columns": listing.column_links(COLUMNS, state),
        "chart_states": [(s, by_state.get(s.value, 0)) for s in states],
        "chart_rules": [(r, by_rule.get(r.pk, 0)) for r in rules], "top": top,
        "export_url": listing.with_parameters(request, reverse("checks:call_export", args=[call.pk])),
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
    """Every application the page's search and filters leave, not only one page of them."""
    require(request.user, VIEW)
    call = get_object_or_404(queries.calls_for(request.user), pk=pk)
    rules = _rules(call)
    state = listing.parse(queries.check_listing(rules), request.GET)
    headers = [_("Application number"), _("Project title"), _("Applicant organisation"),
               _("Unified social credit code"), _("Project lead"), _("State"), _("Submitted at"), _("Round"),
               *[f"{r.template.clause_code} {r.template.name}" for r in rules],
               _("Failed rules"), _("Priority bonus"), _("Decision"), _("Reason"), _("Correction deadline")]

    def lines():
        applications = (listing.apply(queries.applications_for(request.user).filter(call=call), state)
                        .prefetch_related(Prefetch("check_decisions",
                                                   queryset=CheckDecision.objects.select_related("decided_by"))))
        table = queries.latest_results(applications)
        for application in applications:
            per_rule = table.get(application.pk, {})
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
        details=state.active, reason=_("Formal check export"), clause="M17")


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
            messages.success(request, _("Decision recorded: %(decision)s. The applicant has been notified.")
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

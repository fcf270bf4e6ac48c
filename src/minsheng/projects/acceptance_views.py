"""The acceptance pages (验收, M17): one page per project showing the file (promised against delivered per
indicator as a table and a chart of completion rates, the financial report, the achievements), the formal check's
results, the panel with its scores and the verdict, with the form each person may use now; the applicant's filing
form; the verdict PDF. Thin: scope from queries, permissions from rules, writes from projects.acceptance."""

import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minsheng.applications.models import BudgetLine
from minsheng.core import clock
from minsheng.core.permissions import allowed, permission_required
from minsheng.projects import acceptance as services
from minsheng.projects import acceptance_rules, queries, states
from minsheng.projects.forms import CitationsForm
from minsheng.projects.models import Acceptance
from minsheng.projects.views import cited_for
from minsheng.review.models import ExpertProfile

CATEGORIES = dict(BudgetLine.Category.choices)
_INDICATOR = re.compile(r"^i(\d+)_delivered$")


def _refused(request, error) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else (str(error) or _("You may not do "
                                                                                                 "this."))
    messages.error(request, text)


def _criteria():
    english = (get_language() or "").startswith("en")
    return [(c, c.en if english else c.zh) for c in acceptance_rules.RUBRIC]


def _page(request, project, *, status=200, typed=None):
    user = request.user
    acceptance = Acceptance.objects.filter(project=project).select_related("checked_by", "decided_by").first()
    book = queries.signed_book(project)
    context = {"project": project, "acceptance": acceptance, "book": book, "criteria": _criteria(),
               "can_apply": acceptance is None and book is not None
               and allowed(user, "projects.apply_acceptance", project),
               "typed": typed or {}}
    if book is not None:
        context["last_due"] = services.last_milestone_due(book)
        context["early"] = context["last_due"] and context["last_due"] > clock.today()
    if acceptance is not None:
        rows = list(acceptance.indicators.select_related("indicator"))
        money = acceptance.financial
        budget = {k: Decimal(v) for k, v in money.get("budget", {}).items()}
        spent = {k: Decimal(v) for k, v in money.get("spent", {}).items()}
        members = list(acceptance.experts.select_related("expert__person", "expert__person__organisation"))
        steps = states.ACCEPTANCE.steps_for(user, acceptance)
        me = services.member_of(acceptance, user)
        may_pick = acceptance.state == Acceptance.State.REVIEW and allowed(user, "projects.pick_acceptance_panel")
        context.update({
            "cited": cited_for(user, acceptance.cited_achievements.all()),
            "rows": rows, "chart": {"labels": [r.indicator.name for r in rows], "series": [[r.rate for r in rows]]},
            "money": [(CATEGORIES.get(k, k), v, spent.get(k, Decimal("0"))) for k, v in budget.items()],
            "paid": Decimal(money.get("paid", "0")), "spent_total": Decimal(money.get("spent_total", "0")),
            "unspent": Decimal(money.get("unspent", "0")), "grant": Decimal(money.get("grant", "0")),
            "results": services.check_results(acceptance), "members": [
                (m, [m.scores.get(c.code, "") for c in acceptance_rules.RUBRIC],
                 acceptance_rules.performance_score([m.scores]) if m.scored_at else None) for m in members],
            "score": services.current_score(acceptance), "steps": steps,
            "can_check": steps.get("pass_check") or steps.get("return"),
            "can_refile": steps.get("refile"),
            "can_decide": steps.get("pass") or steps.get("close") or steps.get("fail"),
            "me": me, "can_score": me is not None and me.scored_at is None
            and allowed(user, "projects.score_acceptance", acceptance),
            "may_pick": may_pick,
            "pool": [], "suggestions": services.suggest(acceptance) if may_pick else [],
            "pass_score": acceptance_rules.PASS_SCORE, "close_score": acceptance_rules.CLOSE_SCORE,
        })
        if may_pick:
            from minsheng.review.queries import active_experts
            pool = [e for e in active_experts() if e.pk not in {m.expert_id for m in members}]
            reasons = services.conflict_reasons(acceptance, pool)
            context["pool"] = [(e, reasons.get(e.pk, [])) for e in pool]
    return render(request, "projects/acceptance.html", context, status=status)


@require_safe
@permission_required("projects.view_acceptance", scope=queries.acceptance_projects_for,
                     object_perm="projects.view_acceptance")
def acceptance(request, project):
    return _page(request, project)


def _filing(post) -> services.AcceptanceFiling:
    indicators = {}
    for key in post:
        if match := _INDICATOR.match(key):
            pk = int(match.group(1))
            indicators[pk] = (post.get(key, ""), post.get(f"i{pk}_evidence", ""))
    return services.AcceptanceFiling(indicators=indicators, summary=post.get("summary", ""),
                                     achievements=post.get("achievements", ""),
                                     ip_produced=post.get("ip_produced", ""), links=post.get("links", ""),
                                     cited=post.getlist("cite-achievements"))


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("projects.apply_acceptance", scope=queries.projects_for,
                     object_perm="projects.apply_acceptance")
def apply(request, project):
    book = queries.signed_book(project)
    acceptance = Acceptance.objects.filter(project=project).first()
    if book is None or (acceptance is not None and acceptance.state != Acceptance.State.RETURNED):
        messages.info(request, _("This project's acceptance cannot be applied for now."))
        return redirect("projects:acceptance", pk=project.pk)
    status = 200
    if request.method == "POST":
        filing = _filing(request.POST)
        try:
            services.apply(project, filing, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
            status = 400
        else:
            messages.success(request, _("The acceptance file was submitted; the formal check has run and the "
                                        "programme office will review it."))
            return redirect("projects:acceptance", pk=project.pk)
        typed = {"i": filing.indicators, "summary": filing.summary, "achievements": filing.achievements,
                 "ip_produced": filing.ip_produced, "links": filing.links, "cited": filing.cited}
    elif acceptance is not None:
        typed = {"i": {r.indicator_id: (r.delivered, r.evidence) for r in acceptance.indicators.all()},
                 "summary": acceptance.summary, "achievements": acceptance.achievements,
                 "ip_produced": acceptance.ip_produced, "links": acceptance.links,
                 "cited": [a.pk for a in acceptance.cited_achievements.all()]}
    else:
        typed = {"i": {}, "summary": "", "achievements": "", "ip_produced": "", "links": "", "cited": []}
    indicators = [(i, *typed["i"].get(i.pk, ("", ""))) for i in book.indicators.all()]
    return render(request, "projects/acceptance_form.html", {
        "project": project, "book": book, "acceptance": acceptance, "indicators": indicators, "typed": typed,
        "last_due": services.last_milestone_due(book),
        "citations": CitationsForm(project, prefix="cite", initial={"achievements": typed["cited"]})}, status=status)


def _acceptance_of(project) -> Acceptance:
    from django.http import Http404

    acceptance = Acceptance.objects.filter(project=project).first()
    if acceptance is None:
        raise Http404
    return acceptance


def _act(request, project, action, done: str):
    acceptance = _acceptance_of(project)
    try:
        action(acceptance)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return _page(request, project, status=409)
    messages.success(request, done)
    return redirect("projects:acceptance", pk=project.pk)


@require_POST
@permission_required("projects.check_acceptance", scope=queries.projects_for)
def check(request, project):
    passed = request.POST.get("decision") == "pass"
    return _act(request, project, lambda a: services.decide_check(
        a, by=request.user, passed=passed, comments=request.POST.get("comments", "")),
        _("The acceptance file passed the formal check and goes to the expert panel.") if passed
        else _("The acceptance file went back to the organisation with your comments."))


@require_POST
@permission_required("projects.pick_acceptance_panel", scope=queries.projects_for)
def add_expert(request, project):
    try:
        expert = ExpertProfile.objects.select_related("person").get(pk=int(request.POST.get("expert", "")))
    except (ValueError, ExpertProfile.DoesNotExist):
        messages.error(request, _("Choose an expert from the pool."))
        return _page(request, project, status=400)
    return _act(request, project, lambda a: services.add_expert(a, expert, by=request.user),
                _("%(name)s is on the acceptance panel.") % {"name": expert.person.name})


@require_POST
@permission_required("projects.score_acceptance", scope=queries.acceptance_projects_for,
                     object_perm="projects.score_acceptance")
def score(request, project):
    scores = {c.code: request.POST.get(f"score_{c.code}", "") for c in acceptance_rules.RUBRIC}
    return _act(request, project, lambda a: services.score(a, by=request.user, scores=scores,
                                                            comments=request.POST.get("comments", "")),
                _("Your scores were submitted."))


@require_POST
@permission_required("projects.decide_acceptance", scope=queries.projects_for)
def verdict(request, project):
    return _act(request, project, lambda a: services.decide(
        a, by=request.user, verdict=request.POST.get("verdict", ""), conditions=request.POST.get("conditions", ""),
        reason=request.POST.get("reason", "")), _("The acceptance verdict was recorded."))


@require_safe
@permission_required("projects.view_acceptance", scope=queries.acceptance_projects_for,
                     object_perm="projects.view_acceptance")
def verdict_pdf(request, project):
    acceptance = _acceptance_of(project)
    if not acceptance.pdf:
        messages.info(request, _("The verdict is not recorded yet."))
        return redirect("projects:acceptance", pk=project.pk)
    response = HttpResponse(bytes(acceptance.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{project.number}-acceptance.pdf"'
    return response

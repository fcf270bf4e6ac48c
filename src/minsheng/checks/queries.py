"""What the formal check shows, scoped: officers, auditors and administrators see every call's submitted
applications; a department officer only those of calls its department co-owns (M05); anyone else none."""

from collections import Counter

from django.db.models import Prefetch, QuerySet

from minsheng.applications.models import Application, RuleResult
from minsheng.applications.rule_rounds import latest_round
from minsheng.calls.models import Call
from minsheng.checks.models import CheckDecision
from minsheng.core.roles import is_admin, is_auditor, is_department_officer, is_officer


def calls_for(user) -> QuerySet[Call]:
    calls = Call.objects.select_related("programme")
    if is_officer(user) or is_auditor(user) or is_admin(user):
        return calls
    if is_department_officer(user) and user.department_id:
        return calls.filter(co_owners=user.department_id)
    return calls.none()


def applications_for(user) -> QuerySet[Application]:
    """Applications that were submitted at least once (drafts are the applicant's own business)."""
    return (Application.objects.filter(call__in=calls_for(user), submitted_at__isnull=False)
            .select_related("call", "organisation", "lead", "domain"))


def latest_results(applications) -> dict[int, dict[int, RuleResult]]:
    """{application id: {call rule id: result of the application's latest round}} in two queries."""
    ids = [a.pk for a in applications]
    rounds = {}
    for app_id, rnd in RuleResult.objects.filter(application_id__in=ids).values_list("application_id", "round"):
        rounds[app_id] = max(rnd, rounds.get(app_id, 0))
    table: dict[int, dict[int, RuleResult]] = {}
    for result in (RuleResult.objects.filter(application_id__in=ids).select_related("overridden_by")
                   .order_by("rule__order", "rule_id")):
        if result.round == rounds[result.application_id]:
            table.setdefault(result.application_id, {})[result.rule_id] = result
    return table


def call_table(user, call: Call, *, state: str = "", failing_rule: int | None = None):
    """The rows of the call's table and the counts per state and per failed rule (before the filters)."""
    applications = list(applications_for(user).filter(call=call).order_by("number")
                        .prefetch_related(Prefetch("check_decisions",
                                                   queryset=CheckDecision.objects.select_related("decided_by"))))
    results = latest_results(applications)
    by_state = Counter(a.state for a in applications)
    by_rule = Counter(rule_id for per_app in results.values() for rule_id, r in per_app.items() if not r.passed)
    rows = []
    for application in applications:
        per_rule = results.get(application.pk, {})
        if state and application.state != state:
            continue
        if failing_rule and not (failing_rule in per_rule and not per_rule[failing_rule].passed):
            continue
        rows.append((application, per_rule))
    return rows, by_state, by_rule


def application_results(application: Application) -> list[RuleResult]:
    return list(application.rule_results.filter(round=latest_round(application))
                .select_related("rule__template", "overridden_by").order_by("rule__order", "rule_id"))

"""What the formal check shows, scoped: officers, auditors and administrators see every call's submitted
applications; a department officer only those of calls its department co-owns (M05); anyone else none."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from minsheng.applications.models import Application, RuleResult
from minsheng.applications.rule_rounds import latest_round
from minsheng.calls.models import Call
from minsheng.core import listing
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


def latest_round_results() -> QuerySet[RuleResult]:
    """Every rule result of its application's latest round, as one query (the round is a correlated subquery that
    the (application, rule, round) constraint's index answers)."""
    last = RuleResult.objects.filter(application=OuterRef("application")).order_by("-round").values("round")[:1]
    return RuleResult.objects.filter(round=Subquery(last))


def latest_results(applications) -> dict[int, dict[int, RuleResult]]:
    """{application id: {call rule id: result of the application's latest round}} in one query: `applications`
    a page of them, or a queryset (the export's every row)."""
    if not isinstance(applications, QuerySet):
        applications = [a.pk for a in applications]
    table: dict[int, dict[int, RuleResult]] = {}
    for result in (latest_round_results().filter(application__in=applications).select_related("overridden_by")
                   .order_by("rule__order", "rule_id")):
        table.setdefault(result.application_id, {})[result.rule_id] = result
    return table


@dataclass(frozen=True)
class FailingRule(listing.Filter):
    """The applications whose latest round failed the rule (overridden or not, as the chart counts them)."""

    def condition(self, value: str) -> Q:
        return Q(pk__in=latest_round_results().filter(rule_id=int(value), passed=False).values("application_id"))


def _rule_label(rule) -> str:
    return f"{rule.template.clause_code} {rule.template.name}"


def check_listing(rules) -> listing.Listing:
    """A call's check table as a list (core.listing): search, the state (the facet) and the failing rule, sorts."""
    states = [(s.value, str(s.label)) for s in Application.State if s != Application.State.DRAFT]
    return listing.Listing(
        kind="checks.call", search=("number", "title", "organisation__name_zh"),
        filters=(listing.Filter("state", _("State"), "state", lambda: states),
                 FailingRule("rule", _("Failing rule"), "", lambda: [(str(r.pk), _rule_label(r)) for r in rules])),
        sorts={"number": ("number",), "organisation": ("organisation__name_zh",), "state": ("state", "number"),
               "submitted": ("submitted_at",), "failed": ("failed", "number")},
        default_sort="number", facet="state")


def call_rows(user, call: Call) -> QuerySet[Application]:
    """The call's applications in the check, each with `failed`: its rules failed in its latest round and not
    overridden (the sort "most failed rules first")."""
    failed = (latest_round_results().filter(application=OuterRef("pk"), passed=False, overridden_by__isnull=True)
              .order_by().values("application").annotate(n=Count("pk")).values("n"))
    return applications_for(user).filter(call=call).annotate(failed=Coalesce(Subquery(failed), 0))


def call_counts(user, call: Call) -> tuple[dict[str, int], dict[int, int]]:
    """The counts per state and per failed rule (latest round) over the whole call, from two aggregate queries."""
    applications = applications_for(user).filter(call=call)
    by_state = dict(applications.order_by().values_list("state").annotate(n=Count("pk")))
    by_rule = dict(latest_round_results().filter(application__in=applications.values("pk"), passed=False)
                   .order_by().values_list("rule_id").annotate(n=Count("pk")))
    return by_state, by_rule


def application_results(application: Application) -> list[RuleResult]:
    return list(application.rule_results.filter(round=latest_round(application))
                .select_related("rule__template", "overridden_by").order_by("rule__order", "rule_id"))

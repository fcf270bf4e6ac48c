"""Run a call's rules on an application: a preview before submission, and the recorded round on submission."""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from minsheng.applications import eligibility
from minsheng.applications.facts import gather
from minsheng.applications.models import Application, RuleResult
from minsheng.calls.models import CallRule
from minsheng.core import audit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    rule: CallRule
    passed: bool
    bonus: Decimal
    clause_code: str
    explanation_zh: str
    explanation_en: str
    facts: dict = field(default_factory=dict)
    error: str = ""

    @property
    def explanation(self) -> str:
        from django.utils.translation import get_language
        return self.explanation_en if (get_language() or "").startswith("en") else self.explanation_zh


def _run(rule: CallRule, facts: eligibility.Facts) -> Outcome:
    template = rule.template
    try:
        result = eligibility.evaluate(template, rule.params, facts)
    except eligibility.RuleError as exc:
        # A badly configured rule must not stop a submission with a server error: it fails, and says why.
        log.warning("call rule %s (%s) could not be evaluated: %s", rule.pk, template.code, exc)
        result = eligibility.unevaluable(template, str(exc))
    return Outcome(rule, result.passed, result.bonus, template.clause_code, result.explanation_zh,
                   result.explanation_en, facts.as_json(), result.error)


def preview(application: Application) -> list[Outcome]:
    """Every rule of the call, in order, on the application as it is now. Writes nothing."""
    rules = list(application.call.rules.select_related("template").order_by("order", "pk"))
    if not rules:
        return []
    facts = gather(application)
    return [_run(rule, facts) for rule in rules]


def record_submission(application: Application, *, by, outcomes: list[Outcome] | None = None) -> list[RuleResult]:
    """Record one new round of rule results (previous round + 1), each audited with its rule's clause.

    Called inside the submitter's transaction right after the application became SUBMITTED, with the `outcomes`
    of `preview` computed before its first audit event (the rules' facts do not depend on the application's own
    state), so that the audit chain's head stays locked for the writes only.
    """
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=application.pk).first()   # rounds in order
        last = application.rule_results.aggregate(m=Max("round"))["m"] or 0
        outcomes = preview(application) if outcomes is None else outcomes
        # One insert for the round: every statement here runs while the audit chain's head is locked.
        results = RuleResult.objects.bulk_create(
            RuleResult(application=application, rule=outcome.rule, round=last + 1, passed=outcome.passed,
                       clause_code=outcome.clause_code, explanation_zh=outcome.explanation_zh,
                       explanation_en=outcome.explanation_en, bonus=outcome.bonus, facts=outcome.facts)
            for outcome in outcomes)
        # One append to the chain for the round: one lock and one update of its head, not one per rule.
        audit.record_many(dict(action="applications.ruleresult.create", by=by, target=application,
                               new={"rule": outcome.rule.template.code, "round": last + 1, "passed": outcome.passed,
                                    "bonus": str(outcome.bonus)},
                               reason=outcome.explanation_zh, clause=outcome.clause_code) for outcome in outcomes)
        return results


def latest_round(application: Application) -> int:
    return application.rule_results.aggregate(m=Max("round"))["m"] or 0

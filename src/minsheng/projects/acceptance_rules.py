"""The acceptance file's formal check and the acceptance rubric, as data (M17, M18, M19).

Like the application's formal check (a call's rules are rows naming a template with its clause and its pass and
fail explanations, and a pure function per template decides from facts gathered once), each rule here is a row of
RULES: a code, the clause it implements, its Chinese and English explanations as str.format templates over the
values the test found, and a pure test `(facts) -> (passed, values)`. `evaluate(facts)` runs every rule in order
and returns the outcomes; services store them with their clause, so a later change of the wording does not change
a recorded check. No database access here: the same facts give the same results.

The rubric is data too: RUBRIC lists the criteria with their clause, weight and scale; the performance score is
`performance_score`, the mean over the experts of review.scoring.weighted_score (0–100).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from minsheng.review.scoring import Criterion, weighted_score

ZERO = Decimal("0")


@dataclass(frozen=True)
class Facts:
    """What the formal check looks at, gathered from the database at filing (services.gather)."""

    indicators: Sequence[tuple[str, bool]] = ()        # (indicator name, has evidence)
    late_reports: int = 0
    midterm_required: bool = False
    midterm_passed: bool = False
    budget: Mapping[str, Decimal] = field(default_factory=dict)    # category label -> approved yuan
    spent: Mapping[str, Decimal] = field(default_factory=dict)     # category label -> spent yuan
    paid: Decimal = ZERO
    achievements: str = ""
    ip_promised: int = 0
    ip_produced: str = ""


@dataclass(frozen=True)
class Rule:
    code: str
    clause: str
    pass_zh: str
    pass_en: str
    fail_zh: str
    fail_en: str
    test: Callable[[Facts], tuple[bool, dict]]


@dataclass(frozen=True)
class Outcome:
    code: str
    clause: str
    passed: bool
    explanation_zh: str
    explanation_en: str


def _evidence(facts: Facts):
    missing = [name for name, has in facts.indicators if not has]
    return not missing, {"n": len(facts.indicators), "missing": "、".join(missing)}


def _reports(facts: Facts):
    return facts.late_reports == 0, {"late": facts.late_reports}


def _midterm(facts: Facts):
    return (not facts.midterm_required) or facts.midterm_passed, {}


def _funds(facts: Facts):
    over = [category for category, amount in facts.spent.items() if amount > facts.budget.get(category, ZERO)]
    total = sum(facts.spent.values(), ZERO)
    passed = not over and total <= facts.paid
    return passed, {"over": "、".join(over) or "—", "spent": f"{total / 10000:.2f}",
                    "paid": f"{facts.paid / 10000:.2f}"}


def _achievements(facts: Facts):
    return bool(facts.achievements.strip()), {}


def _ip(facts: Facts):
    return facts.ip_promised == 0 or bool(facts.ip_produced.strip()), {"n": facts.ip_promised}


RULES: tuple[Rule, ...] = (
    Rule("indicator_evidence", "M17",
         "M17：任务书的 {n} 项考核指标都填写了完成值和佐证材料。",
         "M17: every one of the task book's {n} indicators has its delivered value and evidence.",
         "M17：以下指标缺少佐证材料：{missing}。",
         "M17: these indicators have no evidence: {missing}.", _evidence),
    Rule("reports_filed", "M17",
         "M17：执行期的进展报告均已按期提交。",
         "M17: every progress report of the project period was filed.",
         "M17：有 {late} 期进展报告逾期未交，请先补交。",
         "M17: {late} progress report(s) are late; file them first.", _reports),
    Rule("midterm_passed", "M17",
         "M17：中期检查已通过，或本指南不设中期检查。",
         "M17: the mid-term check passed, or the call holds none.",
         "M17：本指南设中期检查，但项目没有通过的中期检查记录。",
         "M17: the call holds a mid-term check and the project has no passed one.", _midterm),
    Rule("funds_within_budget", "M17",
         "M17：经费支出 {spent} 万元，未超过已拨付的 {paid} 万元，且各科目均未超出预算。",
         "M17: {spent} 万元 spent, within the {paid} 万元 paid and within every category's budget.",
         "M17：经费支出超出预算或已拨付金额（超支科目：{over}；支出 {spent} 万元，已拨付 {paid} 万元）。",
         "M17: spending exceeds the budget or the money paid (categories over: {over}; {spent} 万元 spent, "
         "{paid} 万元 paid).", _funds),
    Rule("achievements_described", "M18",
         "M18：已说明项目取得的成果及其应用、转化情况。",
         "M18: the achievements and their application or transfer are described.",
         "M18：验收申请须说明项目取得的成果及其应用、转化情况。",
         "M18: the acceptance file must describe the achievements and their application or transfer.",
         _achievements),
    Rule("ip_reported", "M19",
         "M19：已报告项目产生的知识产权（任务书承诺 {n} 项）。",
         "M19: the IP produced is reported (the task book promised {n}).",
         "M19：任务书承诺了 {n} 项知识产权，验收申请须列出项目产生的知识产权。",
         "M19: the task book promised {n} IP item(s); the acceptance file must list the IP produced.", _ip),
)


def evaluate(facts: Facts, rules: Sequence[Rule] = RULES) -> list[Outcome]:
    outcomes = []
    for rule in rules:
        passed, values = rule.test(facts)
        zh, en = (rule.pass_zh, rule.pass_en) if passed else (rule.fail_zh, rule.fail_en)
        outcomes.append(Outcome(rule.code, rule.clause, passed, zh.format(**values), en.format(**values)))
    return outcomes


@dataclass(frozen=True)
class RubricCriterion:
    code: str
    clause: str
    zh: str
    en: str
    weight: float
    scale_max: int = 10


RUBRIC: tuple[RubricCriterion, ...] = (
    RubricCriterion("completion", "M17", "考核指标完成情况", "Completion of the indicators", 30),
    RubricCriterion("quality", "M17", "成果质量与技术水平", "Quality of the results", 25),
    RubricCriterion("funds", "M17", "经费使用规范性", "Use of the funds", 20),
    RubricCriterion("transfer", "M18", "成果应用与转化", "Application and transfer of the results", 15),
    RubricCriterion("ip", "M19", "知识产权产出", "Intellectual property produced", 10),
)
CRITERIA = [Criterion(c.code, c.weight, 0, c.scale_max) for c in RUBRIC]
# A pass (通过验收) needs at least this performance score and every indicator met; a closing with conditions
# (结题) at least CLOSE_SCORE.
PASS_SCORE = Decimal("70")
CLOSE_SCORE = Decimal("60")


def performance_score(panel_scores: Sequence[Mapping[str, float]]) -> Decimal:
    """The acceptance's performance score (0–100, two decimals): the mean over the experts of their weighted
    scores on the rubric."""
    if not panel_scores:
        raise ValueError("no scores")
    total = sum(weighted_score(scores, CRITERIA) for scores in panel_scores)
    return Decimal(str(total / len(panel_scores))).quantize(Decimal("0.01"))

"""Writes of the acceptance (验收, M17): the organisation applies with its file, the formal check runs the rules
(projects/acceptance_rules.py) and an officer passes or returns it, an officer picks the expert panel (conflicts
from review.conflicts, a conflicted expert refused with the reasons), each expert scores on the acceptance rubric,
and an officer records the verdict with the performance score, which closes the project (funding's accept or fail
step) and, on a pass or a closing with conditions, requests the acceptance tranche citing the verdict
(contracts.bases.ACCEPTANCE). Each write is one transaction under the project's row lock; states change only
through core.workflow.move, so two officers at once cannot both win and nothing is half-written."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.applications.models import BudgetLine
from minsheng.contracts import services as contracts
from minsheng.contracts.models import Expenditure, Tranche
from minsheng.contracts.services import lock_project
from minsheng.core import audit, clock, workflow
from minsheng.core.permissions import require, user_of
from minsheng.funding.models import Project
from minsheng.projects import acceptance_pdf, queries
from minsheng.projects import acceptance_rules as rules
from minsheng.projects.models import (
    Acceptance,
    AcceptanceCheckResult,
    AcceptanceExpert,
    AcceptanceIndicator,
    MidtermCheck,
)
from minsheng.projects.services import _value, cited_achievements
from minsheng.review.conflicts import find_conflicts
from minsheng.review.models import ExpertProfile
from minsheng.review.queries import active_experts

State = Acceptance.State
CLAUSE = "M17"
CENT = Decimal("0.01")
TEXT_MAX = 4000
# The least number of experts whose scores a verdict rests on.
PANEL_MIN = 1
VERDICTS = {"pass": State.PASSED, "close": State.CONDITIONAL, "fail": State.FAILED}


@dataclass
class AcceptanceFiling:
    """What the applicant typed: {indicator id: (delivered as typed, evidence)} and the texts."""

    indicators: dict
    summary: str = ""
    achievements: str = ""
    ip_produced: str = ""
    links: str = ""
    cited: list = field(default_factory=list)    # ids of the register's achievements cited (M18)


def _text(value, limit: int = TEXT_MAX) -> str:
    return (value or "").strip()[:limit]


def financial_report(project: Project, book) -> dict:
    """Budget by category (signed task book), money paid (tranches), spent by category (expenditures, reversals
    deducted) and the unspent balance of the money paid, amounts in yuan as strings."""
    budget = {line.category: line.amount for line in book.budget_lines.all()}
    rows = (Expenditure.objects.filter(project=project).values("category").annotate(total=Sum("amount"))
            .order_by("category"))
    spent = {row["category"]: row["total"] for row in rows if row["total"]}
    paid = contracts.paid(project)
    total = sum(spent.values(), Decimal("0"))
    return {"grant": str(book.grant), "budget": {k: str(v) for k, v in budget.items()},
            "spent": {k: str(Decimal(v).quantize(CENT)) for k, v in spent.items()},
            "paid": str(paid), "spent_total": str(total.quantize(CENT)), "unspent": str((paid - total).quantize(CENT))}


def last_milestone_due(book):
    return book.milestones.aggregate(m=Max("due_on"))["m"] or book.ends_on


def gather(project: Project, book, filing_rows: list[tuple[str, str]], financial: dict, *, achievements: str,
           ip_produced: str) -> rules.Facts:
    labels = dict(BudgetLine.Category.choices)
    check = MidtermCheck.objects.filter(project=project).first()
    return rules.Facts(
        indicators=[(name, bool(evidence)) for name, evidence in filing_rows],
        late_reports=sum(1 for row in queries.period_rows(project) if row.late),
        midterm_required=bool(project.call.midterm_check), midterm_passed=bool(check and check.passed),
        budget={str(labels.get(k, k)): Decimal(v) for k, v in financial["budget"].items()},
        spent={str(labels.get(k, k)): Decimal(v) for k, v in financial["spent"].items()},
        paid=Decimal(financial["paid"]), achievements=achievements,
        ip_promised=sum(1 for claim in book.ip_claims if claim.get("kind") == "promised"), ip_produced=ip_produced)


def _trail(rows, financial: dict, cited) -> dict:
    """What the audit event of a filing keeps: the values delivered by the indicator's name, the money, the
    achievements cited by title."""
    return {"indicators": {i.name: str(v) for i, v, _e in rows}, "paid": financial["paid"],
            "spent": financial["spent_total"], "achievements": "、".join(a.title for a in cited)}


@transaction.atomic
def apply(project: Project, filing: AcceptanceFiling, *, by) -> Acceptance:
    """The organisation applies for acceptance (or files again after a return): the file is written, the formal
    check's rules run on it and their results are kept with their clauses; all or nothing."""
    require(by, "projects.apply_acceptance")
    project = lock_project(project.pk)
    require(by, "projects.apply_acceptance", project)
    book = queries.signed_book(project)
    if book is None:
        raise ValidationError(_("This project has no signed task book to be accepted against."), code="no_book")
    acceptance = Acceptance.objects.select_for_update().filter(project=project).first()
    if acceptance is not None and acceptance.state != State.RETURNED:
        raise ValidationError(_("This project's acceptance is already “%(state)s”; it is not applied for again.")
                              % {"state": acceptance.get_state_display()}, code="applied")
    last = last_milestone_due(book)
    if last and last > clock.today() and not project.call.early_acceptance:
        raise ValidationError(_("Acceptance is applied for once the last milestone of the task book is due "
                                "(%(date)s); this call does not allow early acceptance (M17).")
                              % {"date": last.isoformat()}, code="early")
    indicators = {i.pk: i for i in book.indicators.all()}
    if set(filing.indicators) - set(indicators):
        raise ValidationError(_("The file names an indicator the signed task book does not have; give only the "
                                "task book's indicators."), code="indicator")
    summary = _text(filing.summary)
    if not summary:
        raise ValidationError(_("Summarise the work done in the project period."), code="summary")
    cited = cited_achievements(project, filing.cited)
    rows = []
    for pk, indicator in indicators.items():
        text, evidence = filing.indicators.get(pk, ("", ""))
        if str(text).strip() == "":
            raise ValidationError(_("Give the value delivered for “%(name)s” (0 if none).") % {"name": indicator.name},
                                  code="value")
        rows.append((indicator, _value(text, indicator.name), _text(evidence)))
    financial = financial_report(project, book)
    texts = {"summary": summary, "achievements": _text(filing.achievements), "ip_produced": _text(filing.ip_produced),
             "links": _text(filing.links)}
    now = clock.now()
    if acceptance is None:
        acceptance = Acceptance.objects.create(project=project, task_book=book, financial=financial,
                                               applied_by=user_of(by), applied_at=now, **texts)
        audit.record(action="projects.acceptance.apply", by=by, target=acceptance,
                     new=_trail(rows, financial, cited), reason=summary, clause=CLAUSE)
    else:
        for name, value in {**texts, "financial": financial, "task_book": book}.items():
            setattr(acceptance, name, value)
        acceptance.round += 1
        acceptance.save(update_fields=[*texts, "financial", "task_book", "round"])
        acceptance.indicators.all().delete()
        workflow.move(acceptance, "refile", by=by, reason=summary,
                      new=_trail(rows, financial, cited), applied_by=user_of(by), applied_at=now)
    AcceptanceIndicator.objects.bulk_create(
        AcceptanceIndicator(acceptance=acceptance, indicator=i, promised=i.target, delivered=v, evidence=e)
        for i, v, e in rows)
    acceptance.cited_achievements.set(cited)
    # the achievements are described by the register's entries cited and by the text, either or both
    described = "\n".join([*(a.title for a in cited), texts["achievements"]])
    facts = gather(project, book, [(i.name, e) for i, _v, e in rows], financial,
                   achievements=described, ip_produced=texts["ip_produced"])
    outcomes = rules.evaluate(facts)
    AcceptanceCheckResult.objects.bulk_create(
        AcceptanceCheckResult(acceptance=acceptance, round=acceptance.round, code=o.code, clause_code=o.clause,
                              passed=o.passed, explanation_zh=o.explanation_zh, explanation_en=o.explanation_en)
        for o in outcomes)
    acceptance.refresh_from_db()
    return acceptance


def check_results(acceptance: Acceptance) -> list[AcceptanceCheckResult]:
    """The formal check's results of the latest filing."""
    return list(acceptance.check_results.filter(round=acceptance.round).order_by("pk"))


@transaction.atomic
def decide_check(acceptance: Acceptance, *, by, passed: bool, comments: str = "") -> Acceptance:
    """An officer passes the file to the expert review (only when every rule passed) or returns it with comments."""
    require(by, "projects.check_acceptance")
    lock_project(acceptance.project_id)
    comments = _text(comments)
    if passed:
        failed = [r for r in check_results(acceptance) if not r.passed]
        if failed:
            raise ValidationError(_("The file fails these rules of the formal check and goes back to the "
                                    "organisation: %(rules)s") % {"rules": " ".join(r.explanation for r in failed)},
                                  code="failed_rules")
        workflow.move(acceptance, "pass_check", by=by, reason=comments or _("Passed the formal check"),
                      check_comments=comments, checked_by=user_of(by), checked_at=clock.now())
    else:
        if not comments:
            raise ValidationError(_("Say what the organisation must correct in its acceptance file."), code="reason")
        workflow.move(acceptance, "return", by=by, reason=comments, check_comments=comments,
                      checked_by=user_of(by), checked_at=clock.now())
    acceptance.refresh_from_db()
    return acceptance


def conflict_reasons(acceptance: Acceptance, experts) -> dict[int, list]:
    """{expert id: the reasons of their conflict with the project's application} (only the conflicted)."""
    matrix = find_conflicts([acceptance.project.application], list(experts))
    return {matrix.experts[j].pk: reasons for (_i, j), reasons in matrix.reasons.items()}


def _refuse_conflicted(acceptance: Acceptance, expert: ExpertProfile) -> None:
    reasons = conflict_reasons(acceptance, [expert]).get(expert.pk)
    if reasons:
        raise ValidationError(_("%(expert)s has a conflict of interest with this project (M17): %(reasons)s")
                              % {"expert": expert.person.name, "reasons": "；".join(f"{r.label}：{r.text}"
                                                                                    for r in reasons)},
                              code="conflict")


def suggest(acceptance: Acceptance, limit: int = 5) -> list[tuple[ExpertProfile, int]]:
    """Active experts free of conflicts and not on the panel, those sharing the application's domain first:
    [(expert, shared domains)]."""
    on_panel = set(acceptance.experts.values_list("expert_id", flat=True))
    pool = [e for e in active_experts() if e.pk not in on_panel]
    conflicted = conflict_reasons(acceptance, pool)
    domain = acceptance.project.application.domain_id if acceptance.project.application_id else None
    ranked = [(e, int(any(d.pk == domain for d in e.domains.all()))) for e in pool if e.pk not in conflicted]
    ranked.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return ranked[:limit]


@transaction.atomic
def add_expert(acceptance: Acceptance, expert: ExpertProfile, *, by) -> AcceptanceExpert:
    """An officer puts an expert of the pool on the panel; a conflicted expert is refused with the reasons."""
    require(by, "projects.pick_acceptance_panel")
    lock_project(acceptance.project_id)
    acceptance.refresh_from_db()
    if acceptance.state != State.REVIEW:
        raise ValidationError(_("The panel is picked while the acceptance is under expert review."), code="state")
    if not active_experts().filter(pk=expert.pk).exists():
        raise ValidationError(_("This expert is not active in the pool."), code="inactive")
    if acceptance.experts.filter(expert=expert).exists():
        raise ValidationError(_("This expert is already on the panel."), code="exists")
    _refuse_conflicted(acceptance, expert)
    member = AcceptanceExpert.objects.create(acceptance=acceptance, expert=expert, added_by=user_of(by),
                                             added_at=clock.now())
    audit.record(action="projects.acceptanceexpert.add", by=by, target=acceptance,
                 new={"expert": expert.person.name}, reason=_("Expert added to the acceptance panel"), clause=CLAUSE)
    return member


def _score(text, criterion) -> int:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Give a whole number from 0 to %(max)s for “%(name)s”.")
                              % {"max": criterion.scale_max, "name": _label(criterion)}, code="score") from None
    if not 0 <= value <= criterion.scale_max:
        raise ValidationError(_("Give a whole number from 0 to %(max)s for “%(name)s”.")
                              % {"max": criterion.scale_max, "name": _label(criterion)}, code="score")
    return value


def _label(criterion) -> str:
    return criterion.en if (translation.get_language() or "").startswith("en") else criterion.zh


def member_of(acceptance: Acceptance, user) -> AcceptanceExpert | None:
    person = getattr(user, "person_id", None)
    return acceptance.experts.filter(expert__person_id=person).select_related("expert__person").first() \
        if person else None


@transaction.atomic
def score(acceptance: Acceptance, *, by, scores: dict, comments: str = "",
          member: AcceptanceExpert | None = None) -> AcceptanceExpert:
    """An expert of the panel scores the acceptance on the rubric; a conflict found since is refused with its
    reasons, and a score is given once. `member` names the panel member only for the platform itself (the demo
    data of experts without an account); a person always scores as themself."""
    require(by, "projects.score_acceptance", acceptance)
    lock_project(acceptance.project_id)
    acceptance.refresh_from_db()
    if acceptance.state != State.REVIEW:
        raise ValidationError(_("This acceptance is no longer under expert review."), code="state")
    person = user_of(by)
    if person is not None or member is None or member.acceptance_id != acceptance.pk:
        member = member_of(acceptance, person)
    if member is None:
        raise ValidationError(_("You are not on this acceptance's panel."), code="panel")
    member = AcceptanceExpert.objects.select_for_update().get(pk=member.pk)
    if member.scored_at is not None:
        raise ValidationError(_("Your scores are already submitted."), code="scored")
    _refuse_conflicted(acceptance, member.expert)
    values = {c.code: _score(scores.get(c.code, ""), c) for c in rules.RUBRIC}
    comments = _text(comments)
    if not comments:
        raise ValidationError(_("Write your opinion of the project's results."), code="comments")
    member.scores, member.comments, member.scored_at = values, comments, clock.now()
    member.save(update_fields=["scores", "comments", "scored_at"])
    audit.record(action="projects.acceptanceexpert.score", by=by, target=acceptance,
                 new={"score": str(rules.performance_score([values]))},
                 reason=comments, clause=CLAUSE)
    return member


def current_score(acceptance: Acceptance) -> Decimal | None:
    scored = [m.scores for m in acceptance.experts.all() if m.scored_at is not None]
    return rules.performance_score(scored) if scored else None


@transaction.atomic
def decide(acceptance: Acceptance, *, by, verdict: str, conditions: str = "", reason: str = "") -> Acceptance:
    """An officer records the verdict: passed (通过验收), closed with conditions (结题) or failed (不通过验收).

    The performance score is computed from the panel's scores; a pass needs every indicator met and at least
    PASS_SCORE, a closing with conditions names them and needs CLOSE_SCORE, a failure gives its reason. The
    project is accepted (or failed) by funding's table, the verdict PDF is kept, and on a pass or a closing the
    planned acceptance tranche is requested citing the verdict."""
    require(by, "projects.decide_acceptance")
    project = lock_project(acceptance.project_id)
    acceptance.refresh_from_db()
    if verdict not in VERDICTS:
        raise ValidationError(_("Choose the verdict: passed, closed with conditions or failed."), code="verdict")
    if acceptance.state != State.REVIEW:
        raise ValidationError(_("This acceptance is now “%(state)s”; a verdict is recorded once, under expert "
                                "review.") % {"state": acceptance.get_state_display()}, code="state")
    members = list(acceptance.experts.all())
    waiting = [m for m in members if m.scored_at is None]
    if len(members) < PANEL_MIN or waiting:
        raise ValidationError(_("The verdict rests on the panel's scores: every expert on the panel must have "
                                "scored (at least %(n)s).") % {"n": PANEL_MIN}, code="panel")
    conditions, reason = _text(conditions), _text(reason)
    value = rules.performance_score([m.scores for m in members])
    unmet = [row.indicator.name for row in acceptance.indicators.select_related("indicator") if not row.met]
    if verdict == "pass":
        if unmet:
            raise ValidationError(_("Not every indicator is met (%(names)s): the project cannot pass; close it "
                                    "with conditions or fail it.") % {"names": "、".join(unmet)}, code="unmet")
        if value < rules.PASS_SCORE:
            raise ValidationError(_("A pass needs a performance score of at least %(min)s; this one is %(score)s.")
                                  % {"min": rules.PASS_SCORE, "score": value}, code="score")
        conditions = ""
    elif verdict == "close":
        if not conditions:
            raise ValidationError(_("Name the conditions of the closing."), code="conditions")
        if value < rules.CLOSE_SCORE:
            raise ValidationError(_("A closing with conditions needs a performance score of at least %(min)s; "
                                    "this one is %(score)s.") % {"min": rules.CLOSE_SCORE, "score": value},
                                  code="score")
    elif not reason:
        raise ValidationError(_("Give the reason the project fails its acceptance."), code="reason")
    state = VERDICTS[verdict]
    workflow.move(acceptance, verdict, by=by, reason=reason or conditions or _("Passed the acceptance"),
                  new={"score": str(value), "conditions": conditions},
                  score=value, conditions=conditions, verdict_reason=reason, decided_by=user_of(by),
                  decided_at=clock.now())
    workflow.move(project, "fail" if state == State.FAILED else "accept", by=by,
                  reason=_("Acceptance verdict: %(verdict)s") % {"verdict": Acceptance.State(state).label})
    acceptance.refresh_from_db()
    acceptance.pdf = acceptance_pdf.render(acceptance)
    acceptance.save(update_fields=["pdf"])
    if state != State.FAILED:
        for tranche in Tranche.objects.filter(project=project, condition=Tranche.Condition.ACCEPTANCE,
                                              state=Tranche.State.PLANNED).order_by("order"):
            contracts.request_tranche(tranche, by=by)
    return acceptance


def basis(project: Project) -> str:
    """The basis of the acceptance tranche (contracts.bases.ACCEPTANCE): the verdict, in Chinese."""
    acceptance = Acceptance.objects.filter(project=project, state__in=[State.PASSED, State.CONDITIONAL]).first()
    if acceptance is None:
        raise ValidationError(_("The acceptance tranche is requested on a passed acceptance or a closing with "
                                "conditions (M17), and this project has neither."), code="no_basis")
    with translation.override("zh-hans"):
        return _("Acceptance verdict of %(date)s: %(verdict)s, performance score %(score)s (M17)") % {
            "date": timezone.localdate(acceptance.decided_at).isoformat(),
            "verdict": acceptance.get_state_display(), "score": acceptance.score}

"""Acceptance (验收, M17/M18/M19): the file with promised against delivered, the formal check's rules with their
clauses, the expert panel with conflicts refused with their reasons, the scores on the rubric, the verdict with
the performance score, the project closed through funding's table and the acceptance tranche requested on the
verdict; bad input refused with nothing half-written."""

from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from minsheng.contracts import services as contracts
from minsheng.contracts.models import Expenditure, Tranche
from minsheng.core import audit
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.funding.models import Project
from minsheng.projects import acceptance, acceptance_rules
from minsheng.projects.models import Acceptance, AcceptanceCheckResult
from minsheng.registry.models import Person
from minsheng.review.models import ConflictDeclaration
from tests.factories import user_for_role
from tests.projects.acceptance_helpers import GOOD, ended_project, expert_for, filing

pytestmark = pytest.mark.django_db
State = Acceptance.State


@contextmanager
def refused(code: str):
    with pytest.raises(ValidationError) as caught:
        yield
    assert caught.value.code == code, caught.value.messages


@pytest.fixture
def officer():
    return user_for_role(Role.OFFICER)


@pytest.fixture
def ended(officer):
    return ended_project(officer)


def _to_review(project, applicant, officer, **kwargs) -> Acceptance:
    item = acceptance.apply(project, filing(project, **kwargs), by=applicant)
    return acceptance.decide_check(item, by=officer, passed=True)


def _scored(item, officer, scores=GOOD):
    profile, user = expert_for()
    acceptance.add_expert(item, profile, by=officer)
    acceptance.score(item, by=user, scores=scores, comments="成果扎实，指标全部完成。")
    return profile, user


def test_apply_keeps_the_file_and_runs_every_rule_with_its_clause(ended):
    project, applicant = ended
    item = acceptance.apply(project, filing(project), by=applicant)
    assert item.state == State.APPLIED and item.round == 1
    book_indicators = set(item.task_book.indicators.values_list("pk", flat=True))
    assert set(item.indicators.values_list("indicator_id", flat=True)) == book_indicators
    assert all(row.met and row.rate == 100 for row in item.indicators.all())
    results = acceptance.check_results(item)
    assert [r.code for r in results] == [r.code for r in acceptance_rules.RULES]
    assert all(r.passed for r in results), [r.explanation_zh for r in results]
    assert {r.clause_code for r in results} == {"M17", "M18", "M19"}
    assert all(r.explanation_zh.startswith(r.clause_code) for r in results)
    # the financial report is computed from contracts: half of the grant paid, nothing spent
    assert Decimal(item.financial["paid"]) == project.grant / 2
    assert Decimal(item.financial["unspent"]) == project.grant / 2
    assert sum(Decimal(v) for v in item.financial["budget"].values()) > 0
    assert audit.AuditEvent.objects.filter(action="projects.acceptance.apply", clause="M17").exists()


def test_financial_report_spent_by_category(ended, officer):
    project, applicant = ended
    category = next(iter(acceptance.queries.signed_book(project).budget_lines.values_list("category", flat=True)))
    first = Tranche.objects.get(project=project, order=1)
    contracts.record_expenditure(project, by=applicant, category=category, amount=Decimal("10000"),
                                 spent_on=first.paid_on, description="设备采购", voucher="V1")
    item = acceptance.apply(project, filing(project), by=applicant)
    assert item.financial["spent"] == {category: "10000.00"}
    assert Decimal(item.financial["unspent"]) == project.grant / 2 - Decimal("10000")


def test_early_application_refused_unless_the_call_allows_it(officer):
    project, applicant = ended_project(officer, ended=False)
    with refused("early"):
        acceptance.apply(project, filing(project), by=applicant)
    assert not Acceptance.objects.filter(project=project).exists()
    early, early_applicant = ended_project(officer, ended=False, early=True)
    assert acceptance.apply(early, filing(early), by=early_applicant).state == State.APPLIED


def test_bad_files_are_refused_and_nothing_is_written(ended):
    project, applicant = ended
    with refused("indicator"):
        acceptance.apply(project, filing(project, indicators={999999: ("1", "")}), by=applicant)
    with refused("summary"):
        acceptance.apply(project, filing(project, summary="  "), by=applicant)
    with refused("value"):
        acceptance.apply(project, filing(project, delivered="很多"), by=applicant)
    with refused("negative"):
        acceptance.apply(project, filing(project, delivered="-1"), by=applicant)
    assert not Acceptance.objects.filter(project=project).exists()
    other = user_for_role(Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        acceptance.apply(project, filing(project), by=other)
    acceptance.apply(project, filing(project), by=applicant)
    with refused("applied"):
        acceptance.apply(project, filing(project), by=applicant)


def test_failed_rules_explain_themselves_and_the_file_goes_back(ended, officer):
    project, applicant = ended
    item = acceptance.apply(project, filing(project, evidence="", achievements="", ip_produced=""), by=applicant)
    failed = {r.code: r for r in acceptance.check_results(item) if not r.passed}
    assert "indicator_evidence" in failed and "achievements_described" in failed
    assert failed["achievements_described"].clause_code == "M18"
    with refused("failed_rules"):
        acceptance.decide_check(item, by=officer, passed=True)
    with refused("reason"):
        acceptance.decide_check(item, by=officer, passed=False, comments=" ")
    item = acceptance.decide_check(item, by=officer, passed=False, comments="请补充每项指标的佐证材料。")
    assert item.state == State.RETURNED
    item = acceptance.apply(project, filing(project), by=applicant)
    assert item.state == State.APPLIED and item.round == 2
    assert all(r.passed for r in acceptance.check_results(item))
    assert AcceptanceCheckResult.objects.filter(acceptance=item, round=1, passed=False).exists()


def test_rules_are_pure_data():
    facts = acceptance_rules.Facts(indicators=[("服务人数", True), ("专利", False)], late_reports=2,
                                   midterm_required=True, budget={"设备费": Decimal("100")},
                                   spent={"设备费": Decimal("150")}, paid=Decimal("1000"), ip_promised=1)
    outcomes = {o.code: o for o in acceptance_rules.evaluate(facts)}
    assert not any(o.passed for o in outcomes.values())
    assert outcomes["indicator_evidence"].explanation_zh == "M17：以下指标缺少佐证材料：专利。"
    assert "设备费" in outcomes["funds_within_budget"].explanation_zh
    assert outcomes["ip_reported"].clause == "M19"


def test_performance_score_is_the_mean_of_the_weighted_rubric():
    full = {c.code: c.scale_max for c in acceptance_rules.RUBRIC}
    half = {c.code: c.scale_max / 2 for c in acceptance_rules.RUBRIC}
    assert acceptance_rules.performance_score([full]) == Decimal("100.00")
    assert acceptance_rules.performance_score([full, half]) == Decimal("75.00")
    assert acceptance_rules.performance_score([GOOD]) == Decimal("81.50")
    assert {c.clause for c in acceptance_rules.RUBRIC} == {"M17", "M18", "M19"}


def test_conflicted_expert_is_refused_with_the_reason(ended, officer):
    project, applicant = ended
    item = _to_review(project, applicant, officer)
    colleague, _user = expert_for()
    Person.objects.filter(pk=colleague.person_id).update(organisation=project.organisation)
    with refused("conflict") as caught:
        acceptance.add_expert(item, colleague, by=officer)
    assert not item.experts.exists()
    with pytest.raises(ValidationError) as caught:
        acceptance.add_expert(item, colleague, by=officer)
    assert "同单位" in " ".join(caught.value.messages)
    assert colleague.pk not in [e.pk for e, _shared in acceptance.suggest(item)]


def test_expert_conflicted_since_joining_cannot_score(ended, officer):
    project, applicant = ended
    item = _to_review(project, applicant, officer)
    profile, user = expert_for()
    acceptance.add_expert(item, profile, by=officer)
    ConflictDeclaration.objects.create(expert=profile, organisation=project.organisation,
                                       reason="曾为该单位提供咨询")
    with pytest.raises(ValidationError) as caught:
        acceptance.score(item, by=user, scores=GOOD, comments="好")
    assert caught.value.code == "conflict" and "专家主动申报" in " ".join(caught.value.messages)
    assert item.experts.get().scored_at is None


def test_scores_are_checked_given_once_and_only_by_the_panel(ended, officer):
    project, applicant = ended
    item = _to_review(project, applicant, officer)
    profile, user = expert_for()
    _stranger, stranger = expert_for()
    acceptance.add_expert(item, profile, by=officer)
    with refused("exists"):
        acceptance.add_expert(item, profile, by=officer)
    with pytest.raises(PermissionDenied):
        acceptance.score(item, by=stranger, scores=GOOD, comments="好")
    with refused("score"):
        acceptance.score(item, by=user, scores={**GOOD, "ip": 11}, comments="好")
    with refused("score"):
        acceptance.score(item, by=user, scores={**GOOD, "funds": "八"}, comments="好")
    with refused("comments"):
        acceptance.score(item, by=user, scores=GOOD, comments="")
    acceptance.score(item, by=user, scores=GOOD, comments="指标完成良好")
    with refused("scored"):
        acceptance.score(item, by=user, scores=GOOD, comments="再评一次")


def test_pass_accepts_the_project_keeps_a_chinese_pdf_and_requests_the_final_tranche(ended, officer):
    project, applicant = ended
    item = _to_review(project, applicant, officer)
    with refused("panel"):
        acceptance.decide(item, by=officer, verdict="pass")
    _scored(item, officer)
    item = acceptance.decide(item, by=officer, verdict="pass")
    project.refresh_from_db()
    assert item.state == State.PASSED and item.score == Decimal("81.50")
    assert project.state == Project.State.ACCEPTED
    final = Tranche.objects.get(project=project, condition=Tranche.Condition.ACCEPTANCE)
    assert final.state == Tranche.State.REQUESTED
    assert final.request_note.startswith("验收结论") and "通过验收" in final.request_note
    assert "81.50" in final.request_note
    finance = user_for_role(Role.FINANCE)
    contracts.approve_tranche(final, by=finance)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(bytes(item.pdf))).pages)
    assert "验收结论" in text and project.number in text and "通过验收" in text and "81.5" in text
    assert audit.AuditEvent.objects.filter(action="projects.acceptance.pass").exists()


def test_pass_needs_every_indicator_met(ended, officer):
    project, applicant = ended
    item = _to_review(project, applicant, officer, delivered="0.5")
    _scored(item, officer)
    with refused("unmet"):
        acceptance.decide(item, by=officer, verdict="pass")
    with refused("conditions"):
        acceptance.decide(item, by=officer, verdict="close")
    item = acceptance.decide(item, by=officer, verdict="close", conditions="六个月内补齐未完成的推广指标。")
    project.refresh_from_db()
    assert item.state == State.CONDITIONAL and project.state == Project.State.ACCEPTED
    assert Tranche.objects.get(project=project, condition="acceptance").state == Tranche.State.REQUESTED
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(bytes(item.pdf))).pages)
    assert "结题" in text and "六个月内补齐" in text


def test_low_score_cannot_pass_and_a_failure_keeps_the_tranche(ended, officer):
    project, applicant = ended
    item = _to_review(project, applicant, officer)
    _scored(item, officer, scores={c.code: 3 for c in acceptance_rules.RUBRIC})
    with refused("score"):
        acceptance.decide(item, by=officer, verdict="pass")
    with refused("score"):
        acceptance.decide(item, by=officer, verdict="close", conditions="补充")
    with refused("reason"):
        acceptance.decide(item, by=officer, verdict="fail")
    item = acceptance.decide(item, by=officer, verdict="fail", reason="主要指标未完成，示范应用未开展。")
    project.refresh_from_db()
    assert item.state == State.FAILED and project.state == Project.State.FAILED
    final = Tranche.objects.get(project=project, condition="acceptance")
    assert final.state == Tranche.State.PLANNED
    with refused("not_started"):     # a failed project is paid nothing more
        contracts.request_tranche(final, by=officer, note="验收")
    with refused("state"):
        acceptance.decide(item, by=officer, verdict="pass")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(bytes(item.pdf))).pages)
    assert "不通过验收" in text


def test_second_verdict_on_a_stale_page_is_refused(ended, officer):
    project, applicant = ended
    item = _to_review(project, applicant, officer)
    _scored(item, officer)
    stale = Acceptance.objects.get(pk=item.pk)
    acceptance.decide(item, by=officer, verdict="pass")
    other = user_for_role(Role.OFFICER)
    with pytest.raises((ValidationError, TransitionRefused)):
        acceptance.decide(stale, by=other, verdict="fail", reason="重复")
    assert Acceptance.objects.get(pk=item.pk).state == State.PASSED


def test_only_officers_check_pick_and_decide(ended, officer):
    project, applicant = ended
    item = acceptance.apply(project, filing(project), by=applicant)
    with pytest.raises(PermissionDenied):
        acceptance.decide_check(item, by=applicant, passed=True)
    item = acceptance.decide_check(item, by=officer, passed=True)
    profile, user = expert_for()
    with pytest.raises(PermissionDenied):
        acceptance.add_expert(item, profile, by=user)
    with pytest.raises(PermissionDenied):
        acceptance.decide(item, by=user_for_role(Role.FINANCE), verdict="pass")


def test_spending_counted_in_the_check(ended, officer):
    project, applicant = ended
    book = acceptance.queries.signed_book(project)
    line = book.budget_lines.first()
    first = Tranche.objects.get(project=project, order=1)
    contracts.record_expenditure(project, by=applicant, category=line.category, amount=Decimal("1000"),
                                 spent_on=first.paid_on, description="材料", voucher="V2")
    item = acceptance.apply(project, filing(project), by=applicant)
    funds = next(r for r in acceptance.check_results(item) if r.code == "funds_within_budget")
    assert funds.passed and "0.10" in funds.explanation_zh
    assert Expenditure.objects.filter(project=project).count() == 1

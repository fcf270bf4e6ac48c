"""Progress reports and the mid-term check (M17): filing, the officer's decision, lateness, bad input, and the
mid-term tranche requested on the check."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minsheng.contracts import services as contracts
from minsheng.contracts.models import Tranche
from minsheng.core import audit, clock
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.projects import queries, services
from minsheng.projects.models import MidtermCheck, ProgressReport
from tests.factories import user_for_role
from tests.projects.conftest import moment

pytestmark = pytest.mark.django_db
Report = ProgressReport.State


@contextmanager
def refused(code: str):
    with pytest.raises(ValidationError) as caught:
        yield
    assert caught.value.code == code, caught.value.messages


def filing(project, **overrides) -> services.Filing:
    book = queries.signed_book(project)
    milestones = {m.pk: ("in_progress", "完成样机设计") for m in book.milestones.all()}
    indicators = {i.pk: ("1", "https://example.cn/evidence") for i in book.indicators.all()}
    return services.Filing(milestones=overrides.get("milestones", milestones),
                           indicators=overrides.get("indicators", indicators),
                           problems=overrides.get("problems", "芯片供货延迟"))


def submit(project, applicant, period=1, when=None):
    with clock.reading(when or moment(2027, 7, 2)):
        return services.submit_report(project, period, filing(project), by=applicant)


def test_the_applicant_files_a_report_and_the_officer_accepts_it(project, applicant, officer):
    report = submit(project, applicant)
    assert report.state == Report.SUBMITTED and report.period_ends_on == date(2027, 6, 30)
    assert report.milestones.count() == queries.signed_book(project).milestones.count()
    assert report.indicators.count() == 2
    assert report.on_time
    services.accept_report(report, by=officer)
    assert report.state == Report.ACCEPTED and report.decided_by == officer
    actions = list(audit.history_for(report).order_by("seq").values_list("action", flat=True))
    assert actions == ["projects.progressreport.submit", "projects.progressreport.accept"]


def test_spending_is_a_snapshot_up_to_the_period_end(project, applicant, officer):
    tranches = list(Tranche.objects.filter(project=project).order_by("order"))
    finance = user_for_role(Role.FINANCE)
    with clock.reading(moment(2027, 1, 5)):
        contracts.request_tranche(tranches[0], by=officer)
        contracts.approve_tranche(tranches[0], by=finance)
        contracts.record_payment(tranches[0], by=finance, paid_on=date(2027, 1, 5), reference="ICBC-1")
    with clock.reading(moment(2027, 7, 2)):
        contracts.record_expenditure(project, by=applicant, category="equipment", amount=Decimal("1000"),
                                     spent_on=date(2027, 3, 1), description="传感器")
        contracts.record_expenditure(project, by=applicant, category="equipment", amount=Decimal("500"),
                                     spent_on=date(2027, 7, 1), description="网关")
    report = submit(project, applicant)
    assert report.spent == {"equipment": "1000.00"}


def test_an_indicator_the_task_book_does_not_have_is_refused_and_nothing_is_written(project, applicant):
    bad = filing(project)
    bad.indicators[999999] = ("3", "")
    with clock.reading(moment(2027, 7, 2)), refused("indicator"):
        services.submit_report(project, 1, bad, by=applicant)
    assert not ProgressReport.objects.exists()


def test_a_negative_or_missing_value_is_refused(project, applicant):
    book = queries.signed_book(project)
    first = book.indicators.first()
    values = {i.pk: ("1", "") for i in book.indicators.all()}
    with clock.reading(moment(2027, 7, 2)):
        with refused("negative"):
            services.submit_report(project, 1, filing(project, indicators={**values, first.pk: ("-1", "")}),
                                   by=applicant)
        with refused("value"):
            services.submit_report(project, 1, filing(project, indicators={**values, first.pk: ("abc", "")}),
                                   by=applicant)
        with refused("value"):
            services.submit_report(project, 1, filing(project, indicators={**values, first.pk: ("", "")}),
                                   by=applicant)
    assert not ProgressReport.objects.exists()


def test_a_period_that_does_not_exist_or_is_accepted_is_refused(project, applicant, officer):
    with clock.reading(moment(2027, 7, 2)), refused("period"):
        services.submit_report(project, 9, filing(project), by=applicant)
    report = submit(project, applicant)
    services.accept_report(report, by=officer)
    with clock.reading(moment(2027, 7, 3)), refused("filed"):
        services.submit_report(project, 1, filing(project), by=applicant)


def test_another_organisation_cannot_file(project):
    stranger = user_for_role(Role.APPLICANT)
    with clock.reading(moment(2027, 7, 2)), pytest.raises(PermissionDenied):
        services.submit_report(project, 1, filing(project), by=stranger)


def test_a_return_needs_comments_and_the_report_is_filed_again(project, applicant, officer):
    report = submit(project, applicant)
    with refused("reason"):
        services.return_report(report, by=officer, comments="  ")
    services.return_report(report, by=officer, comments="补充专利申请号")
    assert report.state == Report.RETURNED and report.comments == "补充专利申请号"
    again = submit(project, applicant, when=moment(2027, 7, 10))
    assert again.pk == report.pk and again.state == Report.SUBMITTED


def test_two_officers_deciding_at_once_the_second_is_refused(project, applicant, officer):
    report = submit(project, applicant)
    seen_by_second = ProgressReport.objects.get(pk=report.pk)
    services.accept_report(report, by=officer)
    with pytest.raises(TransitionRefused):
        services.return_report(seen_by_second, by=user_for_role(Role.OFFICER), comments="太晚了")
    assert ProgressReport.objects.get(pk=report.pk).state == Report.ACCEPTED


def test_a_period_past_due_without_a_submitted_report_is_late(project, applicant, officer):
    assert queries.late_count(project, today=date(2027, 7, 15)) == 0
    assert queries.late_count(project, today=date(2027, 7, 16)) == 1
    assert [row.status for row in queries.period_rows(project, today=date(2027, 7, 16))] == [
        "late", "open", "open", "open"]
    assert [(p.number, r.period.number) for p, r in queries.queue(officer, today=date(2027, 7, 16))] == [
        (project.number, 1)]
    submit(project, applicant, when=moment(2027, 7, 20))
    assert queries.late_count(project, today=date(2027, 7, 21)) == 0
    assert not ProgressReport.objects.get().on_time
    assert [r.status for _p, r in queries.queue(officer, today=date(2027, 7, 21))] == ["submitted"]


def test_the_midterm_check_follows_an_accepted_report(project, applicant, officer):
    with refused("no_report"):
        services.record_midterm(project, by=officer, result="pass", findings="进展正常")
    services.accept_report(submit(project, applicant), by=officer)
    with refused("actions"):
        services.record_midterm(project, by=officer, result="actions", findings="进度滞后", actions="补招人员")
    with refused("reason"):
        services.record_midterm(project, by=officer, result="terminate", findings="无进展")
    with pytest.raises(PermissionDenied):
        services.record_midterm(project, by=applicant, result="pass", findings="进展正常")
    check = services.record_midterm(project, by=officer, result="actions", findings="进度滞后",
                                    actions="补招人员", actions_due_on=date(2099, 1, 1))
    assert check.passed
    with refused("exists"):
        services.record_midterm(project, by=officer, result="pass", findings="again")


def _midterm_tranche(project):
    return Tranche.objects.get(project=project, condition=Tranche.Condition.MIDTERM)


def test_the_midterm_tranche_is_refused_without_a_passed_check(project, applicant, officer):
    tranche = _midterm_tranche(project)
    with refused("no_basis"):
        contracts.request_tranche(tranche, by=officer, note="written basis")
    services.accept_report(submit(project, applicant), by=officer)
    services.record_midterm(project, by=officer, result="terminate", findings="无进展", reason="核心成员离职")
    with refused("no_basis"):
        contracts.request_tranche(tranche, by=officer)
    assert _midterm_tranche(project).state == Tranche.State.PLANNED


def test_the_midterm_tranche_is_requested_citing_the_passed_check(project, applicant, officer):
    services.accept_report(submit(project, applicant), by=officer)
    services.record_midterm(project, by=officer, result="pass", findings="进展正常")
    contracts.request_tranche(_midterm_tranche(project), by=officer, note="ignored free text")
    tranche = _midterm_tranche(project)
    assert tranche.state == Tranche.State.REQUESTED
    assert "中期检查" in tranche.request_note and "M17" in tranche.request_note
    assert "ignored" not in tranche.request_note


def test_a_call_without_a_midterm_check_keeps_the_written_basis(officer):
    from tests.contracts.helpers import under_way
    from tests.factories.calls import CallFactory
    from tests.factories.contracts import approved_project

    project = approved_project(call=CallFactory(midterm_check=False))
    under_way(project, officer, user_for_role(Role.APPLICANT, organisation=project.organisation))
    tranche = _midterm_tranche(project)
    with refused("note"):
        contracts.request_tranche(tranche, by=officer)
    contracts.request_tranche(tranche, by=officer, note="专家中期评估意见")
    assert _midterm_tranche(project).request_note == "专家中期评估意见"
    assert not MidtermCheck.objects.exists()

"""Two people at once on PostgreSQL (tests/races.py): two officers deciding one report, two filings of one
period, two mid-term checks of one project. Exactly one wins; the other gets a clear refusal and nothing of it is
written."""

import pytest

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.projects import services
from minsheng.projects.models import MidtermCheck, ProgressReport
from tests.contracts.helpers import under_way
from tests.factories import user_for_role
from tests.factories.calls import CallFactory
from tests.factories.contracts import approved_project
from tests.projects.conftest import moment
from tests.projects.test_services import filing
from tests.races import postgresql_only, race

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _project():
    officer = user_for_role(Role.OFFICER)
    project = approved_project(call=CallFactory(report_every_months=6, midterm_check=True))
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    under_way(project, officer, applicant)
    return project, officer, applicant


def _submit(project, applicant):
    from minsheng.core import clock

    with clock.reading(moment(2027, 7, 2)):
        return services.submit_report(project, 1, filing(project), by=applicant)


def test_two_officers_deciding_one_report_exactly_one_wins():
    project, officer, applicant = _project()
    report = _submit(project, applicant)
    other = user_for_role(Role.OFFICER)
    actions = [lambda: services.accept_report(ProgressReport.objects.get(pk=report.pk), by=officer),
               lambda: services.return_report(ProgressReport.objects.get(pk=report.pk), by=other, comments="补充")]
    assert race(actions) == ["refused", "won"]
    decided = AuditEvent.objects.filter(action__in=["projects.progressreport.accept",
                                                    "projects.progressreport.return"])
    assert decided.count() == 1


def test_two_filings_of_one_period_make_one_report():
    project, _officer, applicant = _project()
    assert race([lambda: _submit(project, applicant), lambda: _submit(project, applicant)]) == ["refused", "won"]
    assert ProgressReport.objects.filter(project=project).count() == 1
    assert AuditEvent.objects.filter(action="projects.progressreport.submit").count() == 1


def test_two_midterm_checks_at_once_record_one():
    project, officer, applicant = _project()
    services.accept_report(_submit(project, applicant), by=officer)
    other = user_for_role(Role.OFFICER)
    actions = [lambda u=u: services.record_midterm(project, by=u, result="pass", findings="正常")
               for u in (officer, other)]
    assert race(actions) == ["refused", "won"]
    assert MidtermCheck.objects.filter(project=project).count() == 1

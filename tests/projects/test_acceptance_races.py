"""Two people at once on acceptance, on PostgreSQL (tests/races.py): two officers recording opposite verdicts,
two applications for one project, two officers putting the same expert on the panel. Exactly one wins; the other
gets a clear refusal and nothing of it is written (one verdict, one project move, one tranche request)."""

import pytest

from minsheng.contracts.models import Tranche
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.funding.models import Project
from minsheng.projects import acceptance
from minsheng.projects.models import Acceptance, AcceptanceExpert
from tests.factories import user_for_role
from tests.projects.acceptance_helpers import GOOD, ended_project, expert_for, filing
from tests.races import postgresql_only, race

pytestmark = [postgresql_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _in_review():
    officer = user_for_role(Role.OFFICER)
    project, applicant = ended_project(officer)
    item = acceptance.apply(project, filing(project), by=applicant)
    acceptance.decide_check(item, by=officer, passed=True)
    return project, officer, item


def test_two_officers_recording_verdicts_at_once_one_wins():
    project, officer, item = _in_review()
    profile, user = expert_for()
    acceptance.add_expert(item, profile, by=officer)
    acceptance.score(item, by=user, scores=GOOD, comments="良好")
    other = user_for_role(Role.OFFICER)
    actions = [lambda: acceptance.decide(Acceptance.objects.get(pk=item.pk), by=officer, verdict="pass"),
               lambda: acceptance.decide(Acceptance.objects.get(pk=item.pk), by=other, verdict="fail",
                                         reason="未完成")]
    assert race(actions) == ["refused", "won"]
    verdicts = AuditEvent.objects.filter(action__in=["projects.acceptance.pass", "projects.acceptance.fail"])
    assert verdicts.count() == 1
    assert AuditEvent.objects.filter(action__in=["funding.project.accept", "funding.project.fail"]).count() == 1
    item.refresh_from_db()
    project.refresh_from_db()
    final = Tranche.objects.get(project=project, condition="acceptance")
    if item.state == Acceptance.State.PASSED:
        assert project.state == Project.State.ACCEPTED and final.state == Tranche.State.REQUESTED
    else:
        assert project.state == Project.State.FAILED and final.state == Tranche.State.PLANNED


def test_two_applications_at_once_make_one_acceptance():
    officer = user_for_role(Role.OFFICER)
    project, applicant = ended_project(officer)
    actions = [lambda: acceptance.apply(project, filing(project), by=applicant)] * 2
    assert race(actions) == ["refused", "won"]
    assert Acceptance.objects.filter(project=project).count() == 1
    assert AuditEvent.objects.filter(action="projects.acceptance.apply").count() == 1


def test_two_officers_adding_one_expert_at_once_add_it_once():
    _project, officer, item = _in_review()
    profile, _user = expert_for()
    other = user_for_role(Role.OFFICER)
    actions = [lambda u=u: acceptance.add_expert(Acceptance.objects.get(pk=item.pk), profile, by=u)
               for u in (officer, other)]
    assert race(actions) == ["refused", "won"]
    assert AcceptanceExpert.objects.filter(acceptance=item).count() == 1

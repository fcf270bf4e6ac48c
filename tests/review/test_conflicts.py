"""Conflicts of interest: each reason found (and not found), the N-year window, bulk queries, the scoped query."""

import datetime

import pytest
from django.utils import timezone

from minsheng.applications.models import Application, TeamMember
from minsheng.review.conflicts import find_conflicts, is_conflicted
from minsheng.review.models import Assignment, AvoidanceRequest, ConflictDeclaration, PastEmployer
from minsheng.review.queries import applications_visible_to_expert
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, district
from tests.factories.applications import SubmittedApplicationFactory
from tests.factories.review import ExpertProfileFactory, expert_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


def codes(application, expert, **kwargs):
    result = find_conflicts([application], [expert], today=TODAY, **kwargs)
    return [r.code for r in result.reasons.get((0, 0), [])]


@pytest.fixture
def application():
    return SubmittedApplicationFactory()


@pytest.fixture
def expert():
    return ExpertProfileFactory()


def test_an_unrelated_expert_has_no_conflict(application, expert):
    result = find_conflicts([application], [expert], today=TODAY)
    assert not result.matrix.any()
    assert result.reasons == {}
    assert not is_conflicted(application, expert)


def test_same_organisation_now(application):
    expert = ExpertProfileFactory(person=PersonFactory(organisation=application.organisation))
    assert codes(application, expert) == ["same_organisation"]
    reason = find_conflicts([application], [expert], today=TODAY).reasons[(0, 0)][0]
    assert application.organisation.name_zh in reason.zh and "现就职" in reason.zh
    assert "works for the applicant organisation" in reason.en
    assert reason.clause == "M17"


@pytest.mark.parametrize(("to_year", "conflicted"), [(2026, True), (2023, True), (2022, False)])
def test_former_employer_within_n_years_boundary(application, expert, to_year, conflicted):
    PastEmployer.objects.create(profile=expert, organisation=application.organisation, from_year=2010,
                                to_year=to_year)
    assert (codes(application, expert) == ["former_organisation"]) is conflicted


def test_the_window_is_a_setting(application, expert, settings):
    PastEmployer.objects.create(profile=expert, organisation=application.organisation, from_year=2010, to_year=2021)
    assert codes(application, expert) == []
    settings.REVIEW_CONFLICT_YEARS = 5
    assert codes(application, expert) == ["former_organisation"]


def test_former_employer_by_registered_name(application, expert):
    PastEmployer.objects.create(profile=expert, name=application.organisation.name_zh, from_year=2018, to_year=2024)
    assert codes(application, expert) == ["former_organisation"]
    other = OrganisationFactory()
    PastEmployer.objects.filter(profile=expert).update(name=other.name_zh)
    assert codes(application, expert) == []


def test_team_member_of_the_application(application, expert):
    TeamMember.objects.create(application=application, person=expert.person)
    assert codes(application, expert) == ["team_member"]


def test_lead_of_the_application_is_a_team_member(application, expert):
    Application.objects.filter(pk=application.pk).update(lead=expert.person)
    assert codes(application, expert) == ["team_member"]


def test_collaborator_on_an_earlier_application_of_the_same_organisation(application, expert):
    earlier = SubmittedApplicationFactory(organisation=application.organisation)
    TeamMember.objects.create(application=earlier, person=expert.person)
    assert codes(application, expert) == ["collaborator"]
    # Outside the window: submitted four years before.
    Application.objects.filter(pk=earlier.pk).update(submitted_at=timezone.now().replace(year=TODAY.year - 4))
    assert codes(application, expert) == []


def test_collaborator_through_a_shared_team_member(application, expert):
    colleague = PersonFactory()
    TeamMember.objects.create(application=application, person=colleague)
    elsewhere = SubmittedApplicationFactory()      # another organisation
    TeamMember.objects.create(application=elsewhere, person=colleague)
    assert codes(application, expert) == []
    TeamMember.objects.create(application=elsewhere, person=expert.person)
    assert codes(application, expert) == ["collaborator"]


def test_named_by_the_applicant(application, expert):
    other = SubmittedApplicationFactory()
    AvoidanceRequest.objects.create(application=other, person=expert.person, reason="竞争关系",
                                    requested_by=UserFactory())
    assert codes(application, expert) == []
    AvoidanceRequest.objects.create(application=application, person=expert.person, reason="学术观点长期对立",
                                    requested_by=UserFactory())
    reasons = find_conflicts([application], [expert], today=TODAY).reasons[(0, 0)]
    assert [r.code for r in reasons] == ["named_by_applicant"]
    assert "学术观点长期对立" in reasons[0].zh


def test_declared_by_the_expert_for_an_organisation_or_an_application(application, expert):
    ConflictDeclaration.objects.create(expert=expert, organisation=OrganisationFactory(), reason="亲属任职")
    assert codes(application, expert) == []
    ConflictDeclaration.objects.create(expert=expert, organisation=application.organisation, reason="亲属任职")
    assert codes(application, expert) == ["declared"]
    ConflictDeclaration.objects.all().delete()
    ConflictDeclaration.objects.create(expert=expert, application=application, reason="曾指导该项目")
    assert codes(application, expert) == ["declared"]


def test_same_district_only_when_the_call_asks(application):
    expert = ExpertProfileFactory(person=PersonFactory(organisation=OrganisationFactory(district=district("nanshan"))))
    application.organisation.district = district("nanshan")
    application.organisation.save()
    assert codes(application, expert) == []
    application.call.avoid_same_district = True
    application.call.save()
    assert codes(application, expert) == ["same_district"]
    expert.person.organisation.district = district("futian")
    expert.person.organisation.save()
    assert codes(application, expert) == []


def test_several_reasons_are_all_listed(application):
    expert = ExpertProfileFactory(person=PersonFactory(organisation=application.organisation))
    TeamMember.objects.create(application=application, person=expert.person)
    assert codes(application, expert) == ["same_organisation", "team_member"]


def test_a_whole_call_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    def build(n_apps, n_experts):
        apps = [SubmittedApplicationFactory() for _ in range(n_apps)]
        experts = [ExpertProfileFactory() for _ in range(n_experts)]
        for app, exp in zip(apps, experts, strict=False):
            PastEmployer.objects.create(profile=exp, organisation=app.organisation, from_year=2020, to_year=2025)
            TeamMember.objects.create(application=app, person=PersonFactory())
            AvoidanceRequest.objects.create(application=app, person=exp.person, reason="x", requested_by=app.created_by)
        return apps, experts

    small = build(1, 1)
    large = build(12, 15)
    for apps, experts in (small, large):
        with django_assert_max_num_queries(11):
            result = find_conflicts(apps, experts, today=TODAY)
        assert result.matrix.shape == (len(apps), len(experts))
    result = find_conflicts(*large, today=TODAY)
    assert result.matrix.sum() == 12
    assert result.counts()["former_organisation"] == 12
    assert result.counts()["named_by_applicant"] == 12


# --- The one scope for what an expert may open --------------------------------------------------------

def test_visible_only_when_assigned_published_and_not_conflicted(application, expert):
    user = expert_user(expert)
    assert list(applications_visible_to_expert(user)) == []
    assignment = Assignment.objects.create(application=application, expert=expert,
                                           state=Assignment.State.PROPOSED)
    assert list(applications_visible_to_expert(user)) == []       # not yet published to the expert
    Assignment.objects.filter(pk=assignment.pk).update(state=Assignment.State.ACCEPTED)
    assert list(applications_visible_to_expert(user)) == [application]


def test_a_conflicted_expert_sees_nothing_even_with_an_assignment(application, expert):
    user = expert_user(expert)
    Assignment.objects.create(application=application, expert=expert, state=Assignment.State.ACCEPTED)
    ConflictDeclaration.objects.create(expert=expert, application=application, reason="曾指导该项目")
    assert list(applications_visible_to_expert(user)) == []
    assert not applications_visible_to_expert(user).filter(pk=application.pk).exists()


def test_suspended_experts_and_other_roles_see_nothing(application, expert):
    user = expert_user(expert)
    Assignment.objects.create(application=application, expert=expert, state=Assignment.State.ACCEPTED)
    expert.state = expert.State.SUSPENDED
    expert.save()
    assert list(applications_visible_to_expert(user)) == []
    assert list(applications_visible_to_expert(UserFactory(role="officer"))) == []

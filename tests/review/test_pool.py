"""The expert pool: invite, approve, suspend, reinstate (audited, M17); experts keep their own profiles;
avoidance requests (at most three, also under a race)."""


import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minsheng.applications.models import Application
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.core.workflow import TransitionRefused
from minsheng.review import services
from minsheng.review.models import AvoidanceRequest, ExpertProfile
from tests.factories import PersonFactory, domain, user_for_role
from tests.factories.applications import ApplicationFactory, SubmittedApplicationFactory
from tests.factories.review import ExpertProfileFactory, expert_user
from tests.races import postgresql_only, race

pytestmark = pytest.mark.django_db


def events(action):
    return AuditEvent.objects.filter(action=action)


@pytest.fixture
def officer():
    return user_for_role(Role.OFFICER)


def test_invite_approve_suspend_reinstate_each_audited_with_m17(officer):
    person = PersonFactory(expertise="海水淡化、海洋装备", in_expert_pool=False)
    person.domains.set([domain("D07")])
    profile = services.invite_expert(person=person, by=officer, reason="海洋领域缺专家")
    assert profile.state == ExpertProfile.State.INVITED
    assert profile.keywords == "海水淡化、海洋装备" and list(profile.domains.all()) == [domain("D07")]
    assert events("review.expertprofile.create").get().clause == "M17"
    person.refresh_from_db()
    assert person.in_expert_pool and events("registry.person.update").get().new == {"in_expert_pool": True}

    services.transition(profile=profile, step="approve", by=officer)
    assert events("review.expertprofile.approve").get().clause == "M17"

    with pytest.raises(ValidationError) as caught:
        services.transition(profile=profile, step="suspend", by=officer, reason=" ")
    assert "reason" in caught.value.message_dict
    services.transition(profile=profile, step="suspend", by=officer, reason="评审失职")
    profile.refresh_from_db()
    assert profile.state_reason == "评审失职"
    event = events("review.expertprofile.suspend").get()
    assert event.reason == "评审失职" and event.old == {"state": "active"}

    services.transition(profile=profile, step="reinstate", by=officer, reason="复核后恢复")
    assert events("review.expertprofile.reinstate").count() == 1


def test_inviting_twice_is_refused_with_a_message(officer):
    profile = ExpertProfileFactory()
    with pytest.raises(ValidationError) as caught:
        services.invite_expert(person=profile.person, by=officer)
    assert profile.person.name in caught.value.messages[0]


def test_a_stale_decision_is_refused_and_changes_nothing(officer):
    profile = ExpertProfileFactory(state=ExpertProfile.State.INVITED)
    stale = ExpertProfile.objects.get(pk=profile.pk)
    services.transition(profile=profile, step="approve", by=officer)
    with pytest.raises(TransitionRefused, match="“在库”"):      # the refusal names the state it is in now
        services.transition(profile=stale, step="approve", by=officer)
    assert events("review.expertprofile.approve").count() == 1
    # Skipping a step: an invited expert cannot be suspended before approval.
    invited = ExpertProfileFactory(state=ExpertProfile.State.INVITED)
    with pytest.raises(TransitionRefused):
        services.transition(profile=invited, step="suspend", by=officer, reason="x")
    assert not officer.has_perm("review.expertprofile.suspend", invited)     # the page offers no such button
    assert officer.has_perm("review.expertprofile.approve", invited)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.AUDITOR, Role.DEPARTMENT_OFFICER])
def test_only_officers_manage_the_pool(role):
    profile = ExpertProfileFactory(state=ExpertProfile.State.INVITED)
    with pytest.raises(PermissionDenied):
        services.transition(profile=profile, step="approve", by=user_for_role(role))
    with pytest.raises(PermissionDenied):
        services.invite_expert(person=PersonFactory(), by=user_for_role(role))


def test_the_expert_edits_only_its_own_profile():
    profile = ExpertProfileFactory(keywords="", description="")
    user = expert_user(profile)
    services.update_profile(profile=profile, by=user, changes={"keywords": "赤潮预警、海水淡化", "max_load": 6,
                                                              "domains": [domain("D07")]})
    profile.refresh_from_db()
    assert profile.keyword_list == ["赤潮预警", "海水淡化"] and profile.max_load == 6
    assert events("review.expertprofile.update").get().clause == "M17"
    other = ExpertProfileFactory()
    with pytest.raises(PermissionDenied):
        services.update_profile(profile=other, by=user, changes={"keywords": "x"})
    with pytest.raises(PermissionDenied):   # the state is the officers'
        services.update_profile(profile=profile, by=user, changes={"state": "active"})
    employer = services.add_past_employer(profile=profile, by=user, name="某大学", from_year=2015, to_year=2020)
    with pytest.raises(PermissionDenied):
        services.remove_past_employer(employer=employer, by=expert_user(other))
    with pytest.raises(ValidationError):
        services.add_past_employer(profile=profile, by=user, name="某大学", from_year=2021, to_year=2020)


# --- Avoidance requests --------------------------------------------------------------------------------

def applicant_of(application):
    return user_for_role(Role.APPLICANT, organisation=application.organisation)


def test_at_most_three_experts_with_a_reason():
    application = ApplicationFactory()
    user = applicant_of(application)
    experts = [ExpertProfileFactory() for _ in range(4)]
    with pytest.raises(ValidationError) as caught:
        services.request_avoidance(application=application, person=experts[0].person, reason="", by=user)
    assert "reason" in caught.value.message_dict
    for expert in experts[:3]:
        services.request_avoidance(application=application, person=expert.person, reason="竞争对手", by=user)
    with pytest.raises(ValidationError) as caught:
        services.request_avoidance(application=application, person=experts[3].person, reason="竞争对手", by=user)
    assert caught.value.code == "limit"
    assert AvoidanceRequest.objects.filter(application=application).count() == 3
    with pytest.raises(ValidationError):   # the same expert twice
        services.request_avoidance(application=application, person=experts[0].person, reason="again", by=user)
    assert events("review.avoidancerequest.create").count() == 3


def test_only_the_applicant_organisation_and_only_before_the_check():
    application = SubmittedApplicationFactory()
    expert = ExpertProfileFactory()
    with pytest.raises(PermissionDenied):
        services.request_avoidance(application=application, person=expert.person, reason="x",
                                   by=user_for_role(Role.APPLICANT))
    request = services.request_avoidance(application=application, person=expert.person, reason="x",
                                         by=applicant_of(application))
    Application.objects.filter(pk=application.pk).update(state=Application.State.IN_CHECK)
    with pytest.raises(ValidationError) as caught:
        services.request_avoidance(application=application, person=ExpertProfileFactory().person, reason="x",
                                   by=applicant_of(application))
    assert caught.value.code == "state"
    with pytest.raises(ValidationError):
        services.withdraw_avoidance(request=request, by=applicant_of(application))
    assert AvoidanceRequest.objects.filter(application=application).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_requests_at_the_same_moment_only_three_are_kept():
    application = ApplicationFactory()
    experts = [ExpertProfileFactory() for _ in range(5)]
    users = [applicant_of(application) for _ in range(5)]
    actions = [lambda u=user, e=expert: services.request_avoidance(application=application, person=e.person,
                                                                    reason="并发", by=u)
               for user, expert in zip(users, experts, strict=True)]
    assert race(actions) == ["refused", "refused", "won", "won", "won"]
    assert AvoidanceRequest.objects.filter(application=application).count() == 3

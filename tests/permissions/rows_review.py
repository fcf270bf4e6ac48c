"""Permission rows for the expert pool, the expert's own profile, avoidance requests and a call's conflicts."""

from minsheng.core.roles import Role
from minsheng.review.models import Availability, ExpertProfile, PastEmployer
from tests.permissions.spec import GOVERNMENT, NOT_ALLOWED, NOT_FOUND, Row, everyone, only

A = str(Role.APPLICANT)
E = str(Role.EXPERT)
STAFF = {Role.OFFICER, Role.ADMIN}
EXPERT = {Role.EXPERT}


def extend_world(world):
    from tests.factories import PersonFactory
    from tests.factories.applications import ApplicationFactory
    from tests.factories.review import ExpertProfileFactory

    # The matrix's expert account gets a person with a profile (a new person: the registry rows are unaffected).
    # (kept when an earlier rows file already gave it one, so that file's rows still find it)
    world.expert_profile = getattr(world, "expert_profile", None) or ExpertProfileFactory(
        person=PersonFactory(organisation=world.org_other))
    expert = world.users[E]
    expert.person = world.expert_profile.person
    expert.save()
    world.employer = PastEmployer.objects.create(profile=world.expert_profile, name="旧单位", from_year=2010,
                                                 to_year=2015)
    world.window = Availability.objects.create(profile=world.expert_profile, starts_on="2026-12-01",
                                               ends_on="2026-12-31")
    world.other_profile = ExpertProfileFactory()
    world.other_employer = PastEmployer.objects.create(profile=world.other_profile, name="别人的旧单位",
                                                       from_year=2010, to_year=2015)
    world.invited = ExpertProfileFactory(state=ExpertProfile.State.INVITED)
    world.uninvited = PersonFactory()
    world.application_own = ApplicationFactory(organisation=world.org_own)
    world.application_other = ApplicationFactory(organisation=world.org_other, call=world.application_own.call)
    world.avoidance = world.application_own.avoidance_requests.create(
        person=world.other_profile.person, reason="竞争关系", requested_by=world.users[A])


def _profile_data(world):
    return {"keywords": "智慧社区", "description": "社区治理", "max_load": 5, "willingness": "active"}


def _avoid_data(world):
    person = world.invited.person
    return {"name": person.name, "organisation": person.organisation.name_zh, "reason": "竞争关系"}


ROWS = [
    Row("review:pool_list", only(GOVERNMENT)),
    Row("review:pool_export", only(GOVERNMENT)),
    Row("review:invite", only(STAFF)),
    Row("review:invite", only(STAFF, ok=302), method="POST",
        data=lambda w: {"person": w.uninvited.pk, "reason": "邀请"}),
    Row("review:expert_detail", only(GOVERNMENT), kwargs=lambda w: {"pk": w.invited.pk}),
    Row("review:expert_detail", only(GOVERNMENT, ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999},
        note="unknown"),
    Row("review:expert_transition", only(STAFF, ok=302), method="POST",
        kwargs=lambda w: {"pk": w.invited.pk, "action": "approve"}),
    Row("review:expert_transition", only(STAFF, ok=NOT_FOUND), method="POST",
        kwargs=lambda w: {"pk": w.invited.pk, "action": "promote"}, note="unknown action"),
    Row("review:expert_transition", everyone(NOT_ALLOWED), kwargs=lambda w: {"pk": w.invited.pk, "action": "approve"},
        note="GET"),
    Row("review:my_profile", only(EXPERT)),
    Row("review:my_profile", only(EXPERT, ok=302), method="POST", data=_profile_data),
    Row("review:my_employer_add", only(EXPERT, ok=302), method="POST",
        data=lambda w: {"employer": "某研究院", "from_year": 2016, "to_year": 2018}),
    Row("review:my_employer_delete", only(EXPERT, ok=302), method="POST", kwargs=lambda w: {"pk": w.employer.pk}),
    Row("review:my_employer_delete", only(EXPERT, ok=NOT_FOUND), method="POST",
        kwargs=lambda w: {"pk": w.other_employer.pk}, note="another expert's"),
    Row("review:my_availability_add", only(EXPERT, ok=302), method="POST",
        data=lambda w: {"starts_on": "2027-01-01", "ends_on": "2027-01-31"}),
    Row("review:my_availability_delete", only(EXPERT, ok=302), method="POST", kwargs=lambda w: {"pk": w.window.pk}),
    Row("review:my_declarations", only(EXPERT)),
    Row("review:my_declarations", only(EXPERT, ok=302), method="POST",
        data=lambda w: {"organisation": w.org_own.name_zh, "reason": "亲属任职"}),
    Row("review:avoid_index", only({Role.APPLICANT})),
    Row("review:avoid", only({Role.APPLICANT}), kwargs=lambda w: {"application_pk": w.application_own.pk}),
    Row("review:avoid", only({Role.APPLICANT}, ok=302), method="POST", data=_avoid_data,
        kwargs=lambda w: {"application_pk": w.application_own.pk}),
    Row("review:avoid", only({Role.APPLICANT}, ok=NOT_FOUND),
        kwargs=lambda w: {"application_pk": w.application_other.pk},
        note="another organisation's"),
    Row("review:avoid_withdraw", only({Role.APPLICANT}, ok=302), method="POST",
        kwargs=lambda w: {"application_pk": w.application_own.pk, "pk": w.avoidance.pk}),
    Row("review:avoid_withdraw", only({Role.APPLICANT}, ok=NOT_FOUND), method="POST",
        kwargs=lambda w: {"application_pk": w.application_other.pk, "pk": w.avoidance.pk},
        note="another organisation's"),
    Row("review:call_conflicts", only(STAFF), kwargs=lambda w: {"call_pk": w.application_own.call_id}),
    Row("review:call_conflicts", only(STAFF, ok=NOT_FOUND), kwargs=lambda w: {"call_pk": 999999}, note="unknown"),
]

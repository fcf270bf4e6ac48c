"""Permission rows for the review panel (会评, M17): officers run it; only a member expert opens the member page and
votes. Out of scope answers 404: a call without a panel, an application the member is conflicted with."""

from datetime import timedelta
from decimal import Decimal

from minsheng.core.roles import Role
from tests.permissions.spec import NOT_ALLOWED, NOT_FOUND, Row, everyone, only

E = str(Role.EXPERT)
STAFF = {Role.OFFICER, Role.ADMIN}
EXPERT = {Role.EXPERT}


def extend_world(world):
    from django.utils import timezone

    from minsheng.applications.models import Application
    from minsheng.review import panel
    from minsheng.review.models import ConflictDeclaration
    from tests.factories import PersonFactory
    from tests.factories.applications import ApplicationFactory
    from tests.factories.calls import CallFactory, CriterionFactory
    from tests.factories.review import ExpertProfileFactory
    from tests.factories.review_work import accepted, submitted_review

    profile = getattr(world, "expert_profile", None)
    if profile is None:
        profile = ExpertProfileFactory(person=PersonFactory(organisation=world.org_other))
        world.expert_profile = profile
        world.users[E].person = profile.person
        world.users[E].save()
    now = timezone.now()
    reviewer = ExpertProfileFactory()

    def reviewed_call():
        call = CallFactory(opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=3),
                           review_ends_at=now + timedelta(days=20))
        criterion = CriterionFactory(call=call, weight=Decimal("100"))
        apps = [ApplicationFactory(call=call, state=Application.State.PASSED, submitted_at=now) for _ in range(2)]
        for app in apps:
            submitted_review(accepted(app, reviewer), {str(criterion.pk): 7}, "fund")
        return call, apps

    world.panel_call, (world.panel_app, world.panel_conflicted_app) = reviewed_call()
    world.panel_free_call, _apps = reviewed_call()          # reviewed, no panel yet
    ConflictDeclaration.objects.create(expert=profile, application=world.panel_conflicted_app, reason="合作")
    officer = world.users[str(Role.OFFICER)]
    world.panel = panel.convene(world.panel_call, by=officer)
    world.panel_seat = panel.add_member(world.panel, profile, by=officer)
    world.panel_other_seat = panel.add_member(world.panel, ExpertProfileFactory(), by=officer)
    world.panel_spare_expert = ExpertProfileFactory()
    panel.open_session(world.panel, by=officer)
    panel.record_minutes(world.panel, by=officer, minutes="纪要")


def call_kw(world):
    return {"call_pk": world.panel_call.pk}


def free_kw(world):
    return {"call_pk": world.panel_free_call.pk}


def vote_kw(name):
    return lambda w: {"call_pk": w.panel_call.pk, "pk": getattr(w, name).pk}


ROWS = [
    Row("review:panel", only(STAFF), kwargs=call_kw),
    Row("review:panel", only(STAFF), kwargs=free_kw, note="not convened"),
    Row("review:panel", only(STAFF, ok=NOT_FOUND), kwargs=lambda w: {"call_pk": 999999}, note="unknown"),
    Row("review:panel_convene", only(STAFF, ok=302), kwargs=free_kw, method="POST",
        data=lambda w: {"meets_at": "2026-12-05T09:30"}),
    Row("review:panel_convene", everyone(NOT_ALLOWED), kwargs=free_kw, note="GET"),
    Row("review:panel_member_add", only(STAFF, ok=302), kwargs=call_kw, method="POST",
        data=lambda w: {"expert": w.panel_spare_expert.pk}),
    Row("review:panel_member_add", only(STAFF, ok=NOT_FOUND), kwargs=free_kw, method="POST",
        data=lambda w: {"expert": w.panel_spare_expert.pk}, note="no panel"),
    Row("review:panel_member_add", everyone(NOT_ALLOWED), kwargs=call_kw, note="GET"),
    Row("review:panel_member_remove", only(STAFF, ok=302), method="POST",
        kwargs=lambda w: {"call_pk": w.panel_call.pk, "pk": w.panel_other_seat.pk}),
    Row("review:panel_member_remove", only(STAFF, ok=NOT_FOUND), method="POST",
        kwargs=lambda w: {"call_pk": w.panel_free_call.pk, "pk": w.panel_other_seat.pk},
        note="member of another call's panel"),
    Row("review:panel_member_remove", everyone(NOT_ALLOWED),
        kwargs=lambda w: {"call_pk": w.panel_call.pk, "pk": w.panel_other_seat.pk}, note="GET"),
    Row("review:panel_open", only(STAFF, ok=302), kwargs=call_kw, method="POST"),
    Row("review:panel_open", only(STAFF, ok=NOT_FOUND), kwargs=free_kw, method="POST", note="no panel"),
    Row("review:panel_open", everyone(NOT_ALLOWED), kwargs=call_kw, note="GET"),
    Row("review:panel_minutes", only(STAFF, ok=302), kwargs=call_kw, method="POST",
        data=lambda w: {"minutes": "会议纪要"}),
    Row("review:panel_minutes", everyone(NOT_ALLOWED), kwargs=call_kw, note="GET"),
    Row("review:panel_freeze", only(STAFF, ok=302), kwargs=call_kw, method="POST"),
    Row("review:panel_freeze", only(STAFF, ok=NOT_FOUND), kwargs=free_kw, method="POST", note="no panel"),
    Row("review:panel_freeze", everyone(NOT_ALLOWED), kwargs=call_kw, note="GET"),
    Row("review:panel_member", only(EXPERT), kwargs=call_kw),
    Row("review:panel_member", only(EXPERT, ok=NOT_FOUND), kwargs=free_kw, note="not a member"),
    Row("review:panel_vote", only(EXPERT, ok=302), method="POST", kwargs=vote_kw("panel_app"),
        data=lambda w: {"vote": "reserve"}),
    Row("review:panel_vote", only(EXPERT, ok=NOT_FOUND), method="POST", kwargs=vote_kw("panel_conflicted_app"),
        data=lambda w: {"vote": "reserve"}, note="conflicted"),
    Row("review:panel_vote", only(EXPERT, ok=NOT_FOUND), method="POST",
        kwargs=lambda w: {"call_pk": w.panel_free_call.pk, "pk": w.panel_app.pk},
        data=lambda w: {"vote": "reserve"}, note="not a member"),
    Row("review:panel_vote", everyone(NOT_ALLOWED), kwargs=vote_kw("panel_app"), note="GET"),
]

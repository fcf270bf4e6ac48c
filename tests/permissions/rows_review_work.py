"""Permission rows for assignment (officers), reviewing (the assigned expert) and the ranking (officers).
Out-of-scope objects answer 404: another expert's invitation, an application not assigned to the expert."""

from datetime import timedelta
from decimal import Decimal

from minsheng.core.roles import Role
from tests.permissions.spec import NOT_ALLOWED, NOT_FOUND, Row, everyone, only

E = str(Role.EXPERT)
STAFF = {Role.OFFICER, Role.ADMIN}
EXPERT = {Role.EXPERT}


def extend_world(world):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from minsheng.applications.models import Application, Attachment
    from minsheng.review.models import Assignment
    from tests.factories import PersonFactory
    from tests.factories.applications import ApplicationFactory
    from tests.factories.calls import CallFactory, CriterionFactory
    from tests.factories.review import ExpertProfileFactory

    profile = getattr(world, "expert_profile", None)
    if profile is None:
        profile = ExpertProfileFactory(person=PersonFactory(organisation=world.org_other))
        world.users[E].person = profile.person
        world.users[E].save()
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=3),
                       review_ends_at=now + timedelta(days=20))
    world.work_criterion = CriterionFactory(call=call, weight=Decimal("100"))
    world.work_call = call

    def passed():
        return ApplicationFactory(call=call, state=Application.State.PASSED,
                                  submitted_at=now)   # a third organisation: no conflict with the expert

    world.work_app, world.work_invited_app, world.work_unassigned_app = passed(), passed(), passed()
    someone = ExpertProfileFactory()
    world.work_spare_expert = ExpertProfileFactory()
    world.work_accepted = Assignment.objects.create(application=world.work_app, expert=profile,
                                                    state=Assignment.State.ACCEPTED, due_at=call.review_ends_at)
    world.work_invited = Assignment.objects.create(application=world.work_invited_app, expert=profile,
                                                   state=Assignment.State.PUBLISHED, due_at=call.review_ends_at)
    world.work_foreign = Assignment.objects.create(application=world.work_unassigned_app, expert=someone,
                                                   state=Assignment.State.PUBLISHED, due_at=call.review_ends_at)
    world.work_proposed = Assignment.objects.create(application=world.work_app, expert=someone,
                                                    state=Assignment.State.PROPOSED)
    world.work_attachment = Attachment.objects.create(
        application=world.work_app, file=ContentFile(b"%PDF-1.4 test", name="plan.pdf"), original_name="plan.pdf",
        content_type="application/pdf", size=13, sha256="0" * 64, uploaded_by=world.users[str(Role.OFFICER)])


def call_kw(world):
    return {"call_pk": world.work_call.pk}


def app_kw(name):
    return lambda world: {"pk": getattr(world, name).pk}


def api(roles, **overrides):
    return only(roles, anonymous=403, **overrides)


ROWS = [
    Row("review:assignment_calls", only(STAFF)),
    Row("review:call_assignment", only(STAFF), kwargs=call_kw),
    Row("review:call_assignment", only(STAFF, ok=NOT_FOUND), kwargs=lambda w: {"call_pk": 999999}, note="unknown"),
    Row("review:assignment_run", only(STAFF, ok=302), kwargs=call_kw, method="POST"),
    Row("review:assignment_run", everyone(NOT_ALLOWED), kwargs=call_kw, note="GET"),
    Row("review:assignment_run_progress", only(STAFF), kwargs=call_kw),
    Row("review:assignment_run_progress", only(STAFF, ok=NOT_FOUND), kwargs=lambda w: {"call_pk": 999999},
        note="unknown"),
    Row("review:assignment_run_progress", everyone(NOT_ALLOWED), kwargs=call_kw, method="POST", note="read-only"),
    Row("review:assignment_publish", only(STAFF, ok=302), kwargs=call_kw, method="POST"),
    Row("review:assignment_publish", everyone(NOT_ALLOWED), kwargs=call_kw, note="GET"),
    Row("review:assignment_overdue", only(STAFF, ok=302), kwargs=call_kw, method="POST"),
    Row("review:assignment_overdue", everyone(NOT_ALLOWED), kwargs=call_kw, note="GET"),
    Row("review:assignment_swap", only(STAFF, ok=302), method="POST",
        kwargs=lambda w: {"call_pk": w.work_call.pk, "pk": w.work_proposed.pk},
        data=lambda w: {"expert": w.work_spare_expert.pk}),
    Row("review:assignment_swap", only(STAFF, ok=NOT_FOUND), method="POST",
        kwargs=lambda w: {"call_pk": w.work_call.pk, "pk": 999999}, data=lambda w: {"expert": 1}, note="unknown"),
    Row("review:my_assignments", only(EXPERT)),
    Row("review:respond", only(EXPERT, ok=302), method="POST", kwargs=app_kw("work_invited"),
        data=lambda w: {"answer": "accept"}),
    Row("review:respond", only(EXPERT, ok=NOT_FOUND), method="POST", kwargs=app_kw("work_foreign"),
        data=lambda w: {"answer": "accept"}, note="another expert's invitation"),
    Row("review:respond", everyone(NOT_ALLOWED), kwargs=app_kw("work_invited"), note="GET"),
    Row("review:proposal", only(EXPERT), kwargs=app_kw("work_app")),
    Row("review:proposal", only(EXPERT, ok=302), kwargs=app_kw("work_app"), method="POST",
        data=lambda w: {f"score_{w.work_criterion.pk}": "5", "action": "save"}, note="save draft"),
    Row("review:proposal", only(EXPERT, ok=NOT_FOUND), kwargs=app_kw("work_unassigned_app"), note="not assigned"),
    Row("review:proposal_attachment", only(EXPERT),
        kwargs=lambda w: {"pk": w.work_app.pk, "attachment_pk": w.work_attachment.pk}),
    Row("review:proposal_attachment", only(EXPERT, ok=NOT_FOUND),
        kwargs=lambda w: {"pk": w.work_unassigned_app.pk, "attachment_pk": w.work_attachment.pk},
        note="not assigned"),
    Row("review:ranking", only(STAFF), kwargs=call_kw),
    Row("review:ranking", only(STAFF, ok=NOT_FOUND), kwargs=lambda w: {"call_pk": 999999}, note="unknown"),
    Row("review:ranking_export", only(STAFF), kwargs=call_kw),
    Row("review:ranking_reviews", only(STAFF), kwargs=lambda w: {"call_pk": w.work_call.pk, "pk": w.work_app.pk}),
    Row("review:ranking_reviews", only(STAFF, ok=NOT_FOUND),
        kwargs=lambda w: {"call_pk": w.work_call.pk, "pk": 999999}, note="unknown"),
    Row("review-assignment-list", api(STAFF)),
    Row("review-assignment-detail", api(STAFF), kwargs=app_kw("work_accepted")),
    Row("review-assignment-list", api(STAFF, ok=NOT_ALLOWED), method="POST", data=lambda w: {},
        content_type="application/json", note="read-only"),
    Row("review-my-assignment-list", api(EXPERT)),
    Row("review-my-assignment-detail", api(EXPERT), kwargs=app_kw("work_accepted")),
    Row("review-my-assignment-detail", api(EXPERT, ok=NOT_FOUND), kwargs=app_kw("work_foreign"),
        note="another expert's"),
    Row("review-my-review-list", api(EXPERT)),
    Row("review-my-review-detail", api(EXPERT, ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999}, note="unknown"),
    Row("review-ranking-detail", api(STAFF), kwargs=lambda w: {"pk": w.work_call.pk}),
    Row("review-ranking-detail", api(STAFF, ok=NOT_FOUND), kwargs=lambda w: {"pk": 999999}, note="unknown"),
]

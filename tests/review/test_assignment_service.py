"""Assignment in the platform (M17): run, quality, bad input, swap, publish, accept/decline, re-solve."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from minsheng.core.models import AuditEvent
from minsheng.notifications.models import Notification
from minsheng.policy.models import SupportType
from minsheng.review import assignment as service
from minsheng.review.models import Assignment, AssignmentRun, AvoidanceRequest, ExpertProfile
from tests.factories import PersonFactory
from tests.factories.review import ExpertProfileFactory
from tests.factories.review_work import accepted, review_world

pytestmark = pytest.mark.django_db
S = Assignment.State


def pairs(call, states=service.LIVE):
    return set(Assignment.objects.filter(application__call=call, state__in=states)
               .values_list("application_id", "expert_id"))


def test_run_gives_every_application_k_reviewers_and_records_the_quality():
    w = review_world(n_applications=3, n_experts=4, k=2)
    run = service.run(w.call, by=w.officer)
    assert run.complete and run.optimal and not run.explanations
    for app in w.applications:
        assert Assignment.objects.filter(application=app, state=S.PROPOSED).count() == 2
    q = service.quality(w.call)
    assert q["proposed"] == 6 and sum(c for _n, c in q["histogram"]) == 4
    assert abs(q["total"] - run.total) < 1e-6
    event = AuditEvent.objects.filter(action="review.assignment.run").get()
    assert event.clause == "M17"


def test_a_call_with_fewer_experts_than_k_is_refused_and_nothing_is_written():
    w = review_world(n_applications=2, n_experts=2, k=3)
    with pytest.raises(ValidationError, match="仅有 2 名在库专家"):
        service.run(w.call, by=w.officer)
    assert not Assignment.objects.exists() and not AssignmentRun.objects.exists()


def test_every_expert_conflicted_for_one_application_is_explained():
    w = review_world(n_applications=2, n_experts=3, k=2)
    target = w.applications[0]
    for expert in w.experts:
        AvoidanceRequest.objects.create(application=target, person=expert.person, reason="竞争关系",
                                        requested_by=target.created_by)
    run = service.run(w.call, by=w.officer)
    assert not run.complete
    assert [e["number"] for e in run.explanations] == [target.number]
    assert "0 of 2" in run.explanations[0]["message"] or "0" in run.explanations[0]["message"]
    assert not Assignment.objects.filter(application=target).exists()
    assert Assignment.objects.filter(application=w.applications[1]).count() == 2
    assert run.conflicts_avoided == 3


def test_a_load_limit_too_small_is_explained():
    w = review_world(n_applications=4, n_experts=2, k=2, max_load=2)
    run = service.run(w.call, by=w.officer)
    assert not run.complete
    assert len(run.explanations) == 2
    assert all("评审量上限之和" in e["message"] or "占满名额" in e["message"] for e in run.explanations)
    assert Assignment.objects.count() == 4     # the best partial assignment, each expert at its limit


def test_run_keeps_published_pairs_and_replaces_proposed_ones():
    w = review_world(n_applications=2, n_experts=4, k=2)
    kept = accepted(w.applications[0], w.experts[3])
    service.run(w.call, by=w.officer)
    assert Assignment.objects.get(pk=kept.pk).state == S.ACCEPTED
    assert Assignment.objects.filter(application=w.applications[0]).count() == 2
    service.run(w.call, by=w.officer)   # again: proposed pairs replaced, not doubled
    assert Assignment.objects.filter(application__call=w.call).count() == 4


def test_swap_refuses_a_conflicted_expert_with_its_reason():
    w = review_world(n_applications=1, n_experts=3, k=1)
    service.run(w.call, by=w.officer)
    pair = Assignment.objects.get()
    colleague = ExpertProfileFactory(person=PersonFactory(organisation=w.applications[0].organisation))
    with pytest.raises(ValidationError, match="申报单位"):
        service.swap(pair, colleague, by=w.officer)
    other = next(e for e in w.experts if e.pk != pair.expert_id)
    service.swap(pair, other, by=w.officer)
    assert Assignment.objects.get().expert == other
    assert AuditEvent.objects.filter(action="review.assignment.swap", clause="M17").exists()


def test_swap_refuses_a_full_expert():
    w = review_world(n_applications=2, n_experts=2, k=1, max_load=1)
    service.run(w.call, by=w.officer)
    first, second = Assignment.objects.order_by("application_id")
    with pytest.raises(ValidationError, match="已达评审量上限"):
        service.swap(first, second.expert, by=w.officer)


def test_publish_notifies_each_expert_with_titles_only_and_sets_the_deadline(django_capture_on_commit_callbacks):
    w = review_world(n_applications=2, n_experts=2, k=2)
    service.run(w.call, by=w.officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert service.publish(w.call, by=w.officer) == 4
    assert set(Assignment.objects.values_list("state", flat=True)) == {S.PUBLISHED}
    assert all(a.due_at == w.call.review_ends_at for a in Assignment.objects.all())
    # one event per assignment (states.ASSIGNMENT's publish step), in the officer's name
    events = AuditEvent.objects.filter(action="review.assignment.publish")
    assert sorted(int(e.target_id) for e in events) == sorted(Assignment.objects.values_list("pk", flat=True))
    assert {(e.actor_id, e.old["state"], e.new["state"]) for e in events} == {(w.officer.pk, "proposed", "published")}
    assert len(mail.outbox) == 2
    names = [e.person.name for e in w.experts]
    for message in mail.outbox:
        assert w.applications[0].title in message.body
        assert not any(name in message.body for name in names)       # never another expert's name
    # each expert's account holds one notification naming its own two applications, linked to its list
    told = Notification.objects.filter(kind="review.invitation")
    assert sorted(n.recipient_id for n in told) == sorted(u.pk for u in w.users.values())
    for notification in told:
        expert = next(e for e in w.experts if w.users[e.pk] == notification.recipient)
        assert notification.target == expert and notification.url == "/review/work/"
        assert notification.body == next(m.body for m in mail.outbox if m.to == [notification.recipient.email])
    with pytest.raises(ValidationError, match="没有可发布的拟分配结果"):
        service.publish(w.call, by=w.officer)


def test_decline_needs_a_reason_and_re_solves_only_that_application(django_capture_on_commit_callbacks):
    w = review_world(n_applications=3, n_experts=4, k=2)
    service.run(w.call, by=w.officer)
    service.publish(w.call, by=w.officer)
    before = pairs(w.call)
    pair = Assignment.objects.filter(application=w.applications[0]).first()
    user = w.users[pair.expert_id]
    with pytest.raises(ValidationError, match="请说明谢绝理由"):
        service.respond(pair, by=user, accept=False, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        service.respond(pair, by=user, accept=False, reason="出差")
    after = pairs(w.call)
    assert before - after == {(pair.application_id, pair.expert_id)}      # everyone else's pair kept
    new = after - before
    assert len(new) == 1 and next(iter(new))[0] == pair.application_id
    assert next(iter(new))[1] != pair.expert_id
    replacement = Assignment.objects.get(application=pair.application_id, expert=next(iter(new))[1])
    assert replacement.state == S.PUBLISHED
    # the platform published the replacement: publishing is not the expert's step
    assert AuditEvent.objects.get(action="review.assignment.publish", target_id=str(replacement.pk)).actor_id is None
    assert AuditEvent.objects.get(action="review.assignment.decline").actor_id == user.pk
    with pytest.raises(ValidationError, match="该邀请已答复"):
        service.respond(pair, by=user, accept=True)
    pair.refresh_from_db()      # the page's answer buttons follow the step's permission
    assert not user.has_perm("review.assignment.accept", pair)
    assert w.users[replacement.expert_id].has_perm("review.assignment.accept", replacement)


def test_overdue_reviews_are_replaced_keeping_everyone_else():
    w = review_world(n_applications=2, n_experts=4, k=2)
    service.run(w.call, by=w.officer)
    service.publish(w.call, by=w.officer)
    for a in Assignment.objects.all():
        service.respond(a, by=w.users[a.expert_id], accept=True)
    late = Assignment.objects.filter(application=w.applications[1]).first()
    Assignment.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    before = pairs(w.call)
    assert service.replace_overdue(w.call, by=w.officer) == 1
    assert Assignment.objects.get(pk=late.pk).state == S.EXPIRED
    expired = AuditEvent.objects.get(action="review.assignment.expire")
    assert (expired.target_id, expired.old, expired.new) == (str(late.pk), {"state": "accepted"}, {"state": "expired"})
    after = pairs(w.call)
    assert before - after == {(late.application_id, late.expert_id)}
    replacement = Assignment.objects.get(pk__in=Assignment.objects.filter(application=late.application).exclude(
        pk=late.pk).exclude(expert__in=[p[1] for p in before if p[0] == late.application_id]).values("pk"))
    assert replacement.due_at > timezone.now() + timedelta(days=6)
    with pytest.raises(ValidationError, match="没有逾期未完成的评审"):
        service.replace_overdue(w.call, by=w.officer)


def test_a_suspended_expert_is_not_assigned():
    w = review_world(n_applications=1, n_experts=3, k=2)
    ExpertProfile.objects.filter(pk=w.experts[0].pk).update(state=ExpertProfile.State.SUSPENDED)
    service.run(w.call, by=w.officer)
    assert not Assignment.objects.filter(expert=w.experts[0]).exists()


def test_a_mail_failure_does_not_undo_the_publication(refusing_smtp, django_capture_on_commit_callbacks):
    w = review_world(n_applications=1, n_experts=2, k=1)
    service.run(w.call, by=w.officer)
    with django_capture_on_commit_callbacks(execute=True):
        service.publish(w.call, by=w.officer)
    published = Assignment.objects.get()
    assert published.state == S.PUBLISHED and not mail.outbox
    told = Notification.objects.get(kind="review.invitation")      # the notification is not lost with the mail
    assert (told.recipient, told.target, told.url) == (
        w.users[published.expert_id], published, f"/review/work/#assignment-{published.pk}")


def test_a_decline_publishes_only_its_own_replacement():
    w = review_world(n_applications=2, n_experts=5, k=2)
    service.run(w.call, by=w.officer)
    service.publish(w.call, by=w.officer)
    taken = set(Assignment.objects.filter(application=w.applications[1]).values_list("expert_id", flat=True))
    spare = next(e for e in w.experts if e.pk not in taken)
    pending = Assignment.objects.create(application=w.applications[1], expert=spare, state=S.PROPOSED)
    pair = Assignment.objects.filter(application=w.applications[0], state=S.PUBLISHED).first()
    service.respond(pair, by=w.users[pair.expert_id], accept=False, reason="回避")
    assert Assignment.objects.get(pk=pending.pk).state == S.PROPOSED      # the officer's own draft is left alone
    assert Assignment.objects.filter(application=w.applications[0], state=S.PUBLISHED).count() == 2


def test_a_stable_support_call_is_not_assigned_to_experts():
    w = review_world(n_applications=2, n_experts=4, k=2)
    w.call.support_type = SupportType.objects.get(code="stable")
    w.call.save()
    with pytest.raises(ValidationError, match="稳定支持类申报指南不经专家评审择优"):
        service.run(w.call, by=w.officer)
    assert not Assignment.objects.exists() and not AssignmentRun.objects.exists()

"""Problem services: submission, each triage step with its audit event (M05), public step and mail; the state
table; merging (into itself refused, chains resolved to the root, followers moved along); topics only in
draft calls; two officers deciding at once."""


import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from minsheng.calls.models import Call, Topic
from minsheng.core.models import AuditEvent
from minsheng.core.permissions import SYSTEM
from minsheng.core.roles import Role
from minsheng.notifications.models import Notification
from minsheng.notifications.services import prefixed
from minsheng.problems import services as problems
from minsheng.problems.models import Problem
from tests.factories import domain, user_for_role
from tests.factories.calls import CallFactory
from tests.problems.conftest import report
from tests.races import postgresql_only, race

pytestmark = pytest.mark.django_db
S = Problem.State


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_a_public_report_gets_a_code_a_first_step_tokens_and_an_audit_event(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        problem = report(domain="D01", district="futian", affected="  独居   老人 ", contact_email="a@example.cn")
    assert problem.state == S.NEW and problem.source == Problem.Source.PUBLIC and problem.submitted_by is None
    assert problem.affected == "独居 老人"
    assert "电梯" in problem.search_tokens.split()
    assert list(problem.steps.values_list("state", flat=True)) == [S.NEW]
    event = events("calls.problem.create").get()
    assert event.clause == "M05" and event.actor is None
    assert len(mail.outbox) == 1 and problem.tracking_code in mail.outbox[0].body
    assert mail.outbox[0].to == ["a@example.cn"]
    assert not Notification.objects.exists()        # a citizen has no account: mail only


def test_no_mail_without_an_address(django_capture_on_commit_callbacks, officer):
    with django_capture_on_commit_callbacks(execute=True):
        problem = report()
        problems.accept_problem(problem=problem, by=officer)
    assert mail.outbox == []


def test_a_department_officers_report_is_the_departments(dept_health):
    problem = report(by=dept_health)
    assert problem.source == Problem.Source.DEPARTMENT and problem.department == dept_health.department
    assert problem.submitted_by == dept_health


def test_a_signed_in_submitter_is_notified_and_a_different_contact_address_mailed(
        dept_health, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        problem = report(by=dept_health, contact_email=dept_health.email.upper())
    assert [m.to for m in mail.outbox] == [[dept_health.email]]     # the same person: one mail, not two
    told = Notification.objects.get()
    assert (told.recipient, told.kind, told.target) == (dept_health, "problems.step", problem)
    assert told.url == f"/problems/track/?code={problem.tracking_code}"
    assert prefixed(told.subject) == mail.outbox[0].subject       # the mail names the platform, the bell need not
    problem.contact_email = "other@example.cn"
    problem.save(update_fields=["contact_email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        problems.accept_problem(problem=problem, by=officer, note="明年研究")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dept_health.email, "other@example.cn"])
    assert Notification.objects.filter(recipient=dept_health).count() == 2


def test_bad_input_writes_nothing():
    with pytest.raises(ValidationError) as caught:
        report(title="", description="")
    assert {"title", "description"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError):
        report(contact_email="not-an-address")
    assert not Problem.objects.exists() and not AuditEvent.objects.exists()


def test_accept_tags_the_domain_and_tells_the_submitter(officer, django_capture_on_commit_callbacks):
    problem = report(contact_email="b@example.cn")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        problems.accept_problem(problem=problem, by=officer, note="明年研究", domain=domain("D04"))
    problem.refresh_from_db()
    assert problem.state == S.ACCEPTED and problem.domain.code == "D04"
    event = events("calls.problem.accept").get()
    assert event.clause == "M05" and event.actor == officer and event.new["domain"] == domain("D04").pk
    assert [s.state for s in problem.steps.all()] == [S.NEW, S.ACCEPTED]
    assert problem.steps.last().note == "明年研究"
    assert len(mail.outbox) == 1 and "明年研究" in mail.outbox[0].body


def test_reject_needs_a_reason_which_the_submitter_reads(officer):
    problem = report()
    with pytest.raises(ValidationError) as caught:
        problems.reject_problem(problem=problem, by=officer, reason="   ")
    assert "reason" in caught.value.message_dict
    problems.reject_problem(problem=problem, by=officer, reason="不属于科技项目支持范围")
    problem.refresh_from_db()
    assert problem.state == S.REJECTED and problem.state_reason == "不属于科技项目支持范围"
    assert problem.steps.last().note == "不属于科技项目支持范围"


@pytest.mark.parametrize("role", [Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER, Role.AUDITOR, Role.APPLICANT,
                                  Role.EXPERT, Role.FINANCE])
def test_only_programme_officers_triage(role):
    problem = report()
    with pytest.raises(PermissionDenied):
        problems.accept_problem(problem=problem, by=user_for_role(role))
    assert Problem.objects.get().state == S.NEW


def test_a_triage_without_an_actor_is_refused_and_the_platform_acts_as_system():
    """A forgotten `by=` no longer skips the check: None is refused; the platform's own work names SYSTEM."""
    problem = report()
    with pytest.raises(PermissionDenied):
        problems.accept_problem(problem=problem, by=None)
    assert Problem.objects.get().state == S.NEW
    problems.accept_problem(problem=problem, by=SYSTEM)
    assert Problem.objects.get().state == S.ACCEPTED
    assert AuditEvent.objects.get(action="calls.problem.accept").actor is None


def test_a_step_decided_on_a_state_that_has_moved_on_is_refused(officer, officer2):
    """Rejecting applies to an accepted problem too, but not to one the officer saw as new and another accepted."""
    problem = report()
    seen_new = Problem.objects.get(pk=problem.pk)
    problems.accept_problem(problem=problem, by=officer2)
    with pytest.raises(problems.TransitionRefused, match="可能已有他人先行处理") as caught:
        problems.reject_problem(problem=seen_new, by=officer, reason="不属于民生科技")
    assert caught.value.code == "stale"
    assert Problem.objects.get(pk=problem.pk).state == S.ACCEPTED and not events("calls.problem.reject").exists()
    assert officer.has_perm("calls.problem.reject", Problem.objects.get(pk=problem.pk))
    assert not officer.has_perm("calls.problem.accept", Problem.objects.get(pk=problem.pk))


def test_final_states_take_no_further_step(officer):
    rejected = report()
    problems.reject_problem(problem=rejected, by=officer, reason="重复")
    other = report(title="另一个问题标题")
    for step in (lambda: problems.accept_problem(problem=rejected, by=officer),
                 lambda: problems.merge_problem(problem=rejected, into=other, by=officer),
                 lambda: problems.reject_problem(problem=rejected, by=officer, reason="再次")):
        with pytest.raises(problems.TransitionRefused) as caught:
            step()
        assert caught.value.code == "stale"
    accepted = report(title="已受理的问题")
    problems.accept_problem(problem=accepted, by=officer)
    with pytest.raises(problems.TransitionRefused):
        problems.accept_problem(problem=accepted, by=officer)
    assert events("calls.problem.reject").count() == 1 and events("calls.problem.accept").count() == 1


def test_merge_into_itself_is_refused(officer):
    problem = report()
    with pytest.raises(ValidationError) as caught:
        problems.merge_problem(problem=problem, into=problem, by=officer)
    assert "into" in caught.value.message_dict
    assert Problem.objects.get().state == S.NEW


def test_merge_into_a_merged_problem_goes_to_its_root_and_never_loops(officer):
    a, b, c = report(title="问题甲"), report(title="问题乙"), report(title="问题丙")
    problems.merge_problem(problem=b, into=a, by=officer)
    problems.merge_problem(problem=c, into=b, by=officer)  # b was merged: c goes to a
    c.refresh_from_db()
    assert c.merged_into == a
    # a into b would end at a itself: refused
    with pytest.raises(ValidationError):
        problems.merge_problem(problem=a, into=b, by=officer)
    assert Problem.objects.get(pk=a.pk).state == S.NEW


def test_merging_a_problem_moves_its_followers_to_the_new_root(officer):
    a, b, c = report(title="问题甲"), report(title="问题乙"), report(title="问题丙")
    problems.merge_problem(problem=b, into=a, by=officer)
    problems.merge_problem(problem=a, into=c, by=officer)
    assert set(Problem.objects.filter(merged_into=c).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert events("calls.problem.merge_followers").get().new["moved"] == [b.pk]


def test_merge_into_a_rejected_problem_is_refused(officer):
    a, b = report(title="问题甲"), report(title="问题乙")
    problems.reject_problem(problem=a, by=officer, reason="不受理")
    with pytest.raises(problems.TransitionRefused):
        problems.merge_problem(problem=b, into=a, by=officer)
    assert Problem.objects.get(pk=b.pk).state == S.NEW


def test_topic_only_in_a_draft_call_and_linked_to_the_problem(officer):
    problem = report()
    draft = CallFactory(draft=True)
    topic = problems.turn_into_topic(problem=problem, by=officer, call=draft, title="  老旧小区 加装电梯  ")
    problem.refresh_from_db()
    assert problem.state == S.TOPIC and topic.title == "老旧小区 加装电梯" and list(topic.problems.all()) == [problem]
    assert events("calls.topic.create").get().clause == "M05"
    second = report(title="另一个问题标题")
    published = CallFactory()
    with pytest.raises(problems.TransitionRefused):
        problems.turn_into_topic(problem=second, by=officer, call=published, title="标题")
    assert Problem.objects.get(pk=second.pk).state == S.NEW and not published.topics.exists()
    with pytest.raises(ValidationError):
        problems.turn_into_topic(problem=second, by=officer, call=draft, title="  ")
    assert Topic.objects.count() == 1


def test_a_call_that_left_draft_meanwhile_takes_no_topic(officer):
    problem = report()
    call = CallFactory(draft=True)
    stale = Call.objects.get(pk=call.pk)
    Call.objects.filter(pk=call.pk).update(state=Call.State.IN_REVIEW)
    with pytest.raises(problems.TransitionRefused):
        problems.turn_into_topic(problem=problem, by=officer, call=stale, title="标题")
    assert Problem.objects.get().state == S.NEW and not Topic.objects.exists()


def test_two_officers_deciding_from_the_same_page_exactly_one_wins(officer, officer2):
    problem = report()
    first, second = Problem.objects.get(pk=problem.pk), Problem.objects.get(pk=problem.pk)
    problems.accept_problem(problem=first, by=officer)
    with pytest.raises(problems.TransitionRefused):
        problems.reject_problem(problem=second, by=officer2, reason="重复")
    assert Problem.objects.get().state == S.ACCEPTED
    assert not events("calls.problem.reject").exists()


def test_two_officers_merging_two_problems_into_each_other_one_wins(officer, officer2):
    a, b = report(title="问题甲"), report(title="问题乙")
    stale_a, stale_b = Problem.objects.get(pk=a.pk), Problem.objects.get(pk=b.pk)
    problems.merge_problem(problem=stale_a, into=stale_b, by=officer)
    with pytest.raises((problems.TransitionRefused, ValidationError)):
        problems.merge_problem(problem=stale_b, into=stale_a, by=officer2)
    assert Problem.objects.get(pk=a.pk).merged_into_id == b.pk
    assert Problem.objects.get(pk=b.pk).state == S.NEW


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_merging_crosswise_at_the_same_moment_leave_no_loop():
    """Two threads, two connections: a into b and b into a at once; exactly one merge happens."""
    a, b = report(title="问题甲"), report(title="问题乙")
    officers = [user_for_role(Role.OFFICER), user_for_role(Role.OFFICER)]
    stale = [(Problem.objects.get(pk=a.pk), Problem.objects.get(pk=b.pk)),
             (Problem.objects.get(pk=b.pk), Problem.objects.get(pk=a.pk))]
    actions = [lambda u=user, s=source, t=target: problems.merge_problem(problem=s, into=t, by=u)
               for user, (source, target) in zip(officers, stale, strict=True)]
    assert race(actions) == ["refused", "won"]
    assert Problem.objects.filter(state=S.MERGED).count() == 1
    assert events("calls.problem.merge").count() == 1

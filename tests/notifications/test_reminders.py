"""Reminders (issue 15 point 2): each due occasion told once, to the right people, with its clause; a run repeated
or raced sends nothing twice; a deadline moved later is a new occasion."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail as outbox
from django.utils import timezone

from minsheng.applications.models import Application
from minsheng.contracts import services as contracts
from minsheng.contracts.models import Tranche
from minsheng.core import clock
from minsheng.core.models import Occasion
from minsheng.core.roles import Role
from minsheng.notifications import reminders
from minsheng.notifications.models import Notification
from minsheng.review.models import Assignment
from tests.factories import PersonFactory, user_for_role
from tests.factories.applications import ApplicationFactory
from tests.factories.contracts import approved_project
from tests.factories.funding import frozen_call, plan_in_notice
from tests.factories.review import ExpertProfileFactory
from tests.factories.review_work import accepted, review_world, submitted_review

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def run(django_capture_on_commit_callbacks, at=None) -> int:
    """The scheduler's job, as the worker runs it (the mails are jobs queued on commit)."""
    with django_capture_on_commit_callbacks(execute=True), clock.reading(at or timezone.now()):
        return reminders.send_due.call()


def told(kind: str) -> list:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id", "pk"))


# --- Review deadlines -----------------------------------------------------------------------------------------

def test_an_expert_is_reminded_three_days_before_a_review_is_due_and_once_only(django_capture_on_commit_callbacks):
    world = review_world(n_applications=1, n_experts=1)
    expert = world.experts[0]
    assignment = accepted(world.applications[0], expert)
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + 4 * DAY)
    assert run(django_capture_on_commit_callbacks) == 0     # four days ahead: not yet

    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + 2 * DAY)
    assert run(django_capture_on_commit_callbacks) == 1
    [note] = told("review.due_soon")
    assert note.recipient == world.users[expert.pk]
    assert note.target == assignment and note.clause == "M17"
    assert world.applications[0].title in note.subject and not note.subject.startswith("[")   # the bell is ours
    assert note.url.endswith(f"#assignment-{assignment.pk}")
    assert [m.to for m in outbox.outbox] == [[world.users[expert.pk].email]]

    assert run(django_capture_on_commit_callbacks) == 0      # the same occasion: nothing more
    assert len(told("review.due_soon")) == 1 and len(outbox.outbox) == 1


def test_an_overdue_review_is_its_own_reminder_and_a_submitted_one_none(django_capture_on_commit_callbacks):
    world = review_world(n_applications=2, n_experts=1)
    expert = world.experts[0]
    late = accepted(world.applications[0], expert)
    done = accepted(world.applications[1], expert)
    Assignment.objects.filter(pk__in=[late.pk, done.pk]).update(due_at=timezone.now() - DAY)
    submitted_review(done, {})
    assert run(django_capture_on_commit_callbacks) == 1
    [note] = told("review.overdue")
    assert note.target == late and "逾期" in note.subject


def test_a_deadline_moved_later_is_a_new_occasion(django_capture_on_commit_callbacks):
    world = review_world(n_applications=1, n_experts=1)
    assignment = accepted(world.applications[0], world.experts[0])
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + DAY)
    assert run(django_capture_on_commit_callbacks) == 1
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + 2 * DAY)
    assert run(django_capture_on_commit_callbacks) == 1
    assert len(told("review.due_soon")) == 2


def test_an_expert_without_an_account_is_reminded_by_mail(django_capture_on_commit_callbacks):
    world = review_world(n_applications=1, n_experts=0)
    expert = ExpertProfileFactory(person=PersonFactory(name="无账号专家", in_expert_pool=True,
                                                       email="outside@example.org"))
    assignment = Assignment.objects.create(application=world.applications[0], expert=expert,
                                           state=Assignment.State.PUBLISHED, due_at=timezone.now() + DAY)
    assert run(django_capture_on_commit_callbacks) == 1
    assert not Notification.objects.exists()
    assert [m.to for m in outbox.outbox] == [["outside@example.org"]]
    assert Occasion.objects.filter(key__contains=f"review.due_soon:{assignment.pk}:").count() == 1


# --- Correction deadlines -------------------------------------------------------------------------------------

def test_a_returned_application_is_reminded_before_its_correction_deadline(django_capture_on_commit_callbacks):
    application = ApplicationFactory(state=Application.State.RETURNED,
                                     correction_deadline=timezone.now() + 2 * DAY)
    far = ApplicationFactory(state=Application.State.RETURNED, correction_deadline=timezone.now() + 10 * DAY)
    applicant = user_for_role(Role.APPLICANT, organisation=application.organisation)
    user_for_role(Role.APPLICANT, organisation=far.organisation)
    assert run(django_capture_on_commit_callbacks) == 1
    notes = told("checks.correction_due")
    assert {n.recipient for n in notes} == {application.created_by, applicant}   # the organisation's applicants
    note = notes[0]
    assert note.target == application
    assert application.number in note.subject
    assert note.url == f"/applications/{application.pk}/"


# --- Work waiting on someone ----------------------------------------------------------------------------------

def test_a_task_book_waiting_three_days_is_recalled_once_per_revision(django_capture_on_commit_callbacks):
    officer = user_for_role(Role.OFFICER)
    project = approved_project()
    applicant = user_for_role(Role.APPLICANT, organisation=project.organisation)
    book = contracts.issue(project, by=officer)
    Notification.objects.all().delete()      # the issue's own notification
    type(book).objects.filter(pk=book.pk).update(issued_at=timezone.now() - 4 * DAY)
    assert run(django_capture_on_commit_callbacks) == 1
    notes = told("contracts.task_book_waiting")
    assert applicant in {n.recipient for n in notes} and len(notes) == 2     # and the application's author
    assert project.number in notes[0].subject and notes[0].target == book
    assert run(django_capture_on_commit_callbacks) == 0
    type(book).objects.filter(pk=book.pk).update(revision=book.revision + 1)
    assert run(django_capture_on_commit_callbacks) == 1


def test_a_disbursement_request_waiting_for_finance_is_recalled_to_finance(django_capture_on_commit_callbacks):
    officer = user_for_role(Role.OFFICER)
    finance = user_for_role(Role.FINANCE)
    project = approved_project()
    book = contracts.issue(project, by=officer)
    Tranche.objects.create(project=project, task_book=book, order=1, condition=Tranche.Condition.SIGNING,
                           percent=50, amount=Decimal("400000"), state=Tranche.State.REQUESTED,
                           requested_by=officer, requested_at=timezone.now() - 4 * DAY)
    Tranche.objects.create(project=project, task_book=book, order=2, condition=Tranche.Condition.MIDTERM,
                           percent=30, amount=Decimal("240000"), state=Tranche.State.REQUESTED,
                           requested_by=officer, requested_at=timezone.now() - DAY)
    Notification.objects.all().delete()
    assert run(django_capture_on_commit_callbacks) == 1
    [note] = told("contracts.tranche_waiting")
    assert note.recipient == finance and "40 万元" in note.body


# --- Public notice ended ----------------------------------------------------------------------------------------

def test_the_officers_are_told_once_when_a_public_notice_has_ended(django_capture_on_commit_callbacks):
    world = frozen_call()
    plan_in_notice(world, at=timezone.now() - 30 * DAY)
    Notification.objects.all().delete()
    assert run(django_capture_on_commit_callbacks) == 1
    assert {n.recipient for n in told("funding.notice_ended")} == {world.officer, world.second_officer}
    assert run(django_capture_on_commit_callbacks) == 0


def test_a_notice_still_running_is_not_reminded(django_capture_on_commit_callbacks):
    world = frozen_call()
    plan_in_notice(world)
    assert run(django_capture_on_commit_callbacks) == 0


# --- Idempotence under a race (PostgreSQL: two workers run the same reminders at once) ------------------------

def test_one_reminder_claimed_twice_is_sent_once(django_capture_on_commit_callbacks):
    user = user_for_role(Role.APPLICANT)
    reminder = reminders.Reminder(key="test:1", kind="checks.correction_due", recipients=[user], subject="主题",
                                  body="正文")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send([reminder, reminder]) == 1
    assert Notification.objects.count() == 1


# --- A call closing while a draft waits ---------------------------------------------------------------------------

def test_a_draft_is_reminded_three_days_before_its_call_closes(django_capture_on_commit_callbacks):
    draft = ApplicationFactory(state=Application.State.DRAFT)
    type(draft.call).objects.filter(pk=draft.call_id).update(closes_at=timezone.now() + 2 * DAY,
                                                             opens_at=timezone.now() - 30 * DAY)
    submitted = ApplicationFactory(state=Application.State.SUBMITTED, call=draft.call)
    assert run(django_capture_on_commit_callbacks) == 1
    notes = told("applications.draft_closing")
    assert {n.target for n in notes} == {draft}
    assert submitted.created_by not in {n.recipient for n in notes}
    assert run(django_capture_on_commit_callbacks) == 0

"""The demo part: task books at every stage for the approved projects, once, at dates after each project's
approval and never in the future; a request returned by finance with its reason, spending on the paid projects
with one reversal; nothing without projects."""

from datetime import timedelta

import pytest
from django.utils import timezone

from minsheng.contracts import services
from minsheng.contracts.models import Expenditure, TaskBook, Tranche
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.demo import contracts as demo
from minsheng.funding.models import Project
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db


class Builder:
    created = 0

    def progress(self, n):
        pass


def test_nothing_without_projects_or_accounts():
    builder = Builder()
    demo.build(builder)
    assert builder.created == 0 and not TaskBook.objects.exists()


def _projects(n, *, approved_days_ago):
    user_for_role(Role.OFFICER, username="officer")
    user_for_role(Role.FINANCE, username="finance")
    for _ in range(n):
        organisation = OrganisationFactory()
        user_for_role(Role.APPLICANT, organisation=organisation)
        project = approved_project(organisation=organisation)
        Project.objects.filter(pk=project.pk).update(
            approved_at=timezone.now() - timedelta(days=approved_days_ago))


def test_every_stage_once():
    _projects(5, approved_days_ago=120)
    demo.build(Builder())
    states = sorted(TaskBook.objects.values_list("state", flat=True))
    assert states == ["confirmed", "draft", "signed", "signed", "signed", "superseded"]
    assert set(Tranche.objects.exclude(state="planned").values_list("state", flat=True)) == {"requested", "paid"}
    assert TaskBook.objects.filter(number=2, state="signed").count() == 1
    events = AuditEvent.objects.count()
    demo.build(Builder())
    assert AuditEvent.objects.count() == events


def test_the_story_happens_after_the_approval_and_before_today():
    _projects(5, approved_days_ago=120)
    demo.build(Builder())
    now = timezone.now()
    for book in TaskBook.objects.select_related("project"):
        approved = book.project.approved_at
        assert approved < book.issued_at < now
        assert book.confirmed_at is None or book.issued_at < book.confirmed_at < now
        assert book.signed_at is None or book.confirmed_at < book.signed_at < now
    # issued months ago, a few days after the approval, not on the day the demo was built
    assert not TaskBook.objects.filter(number=1, issued_at__gt=now - timedelta(days=100)).exists()
    for tranche in Tranche.objects.exclude(state="planned").select_related("task_book", "project"):
        assert tranche.task_book.signed_at < tranche.requested_at < now
        if tranche.paid_on:
            assert timezone.localdate(tranche.approved_at) <= tranche.paid_on < timezone.localdate(now)
            assert tranche.paid_on <= timezone.localdate(tranche.project.approved_at + timedelta(days=30))


def test_a_return_and_spending_with_a_reversal():
    _projects(5, approved_days_ago=120)
    demo.build(Builder())
    returned = Tranche.objects.get(return_reason=demo.RETURN_REASON)
    assert returned.state == Tranche.State.REQUESTED and returned.request_note == demo.REQUEST_AGAIN
    assert returned.returned_by.username == "finance" and returned.returned_at < returned.requested_at
    assert AuditEvent.objects.filter(action="contracts.tranche.return", reason=demo.RETURN_REASON).count() == 1
    paid_projects = Project.objects.filter(tranches__state="paid").distinct()
    assert paid_projects.count() == 2
    for project in paid_projects:
        first_paid_on = project.tranches.get(state="paid").paid_on
        records = list(Expenditure.objects.filter(project=project))
        assert records and all(first_paid_on <= e.spent_on <= timezone.localdate() for e in records)
        assert 0 < services.spent(project) <= services.paid(project)
    reversals = Expenditure.objects.filter(reverses__isnull=False)
    assert reversals.count() == 2 and all(r.description == demo.REVERSAL_REASON for r in reversals)
    assert {e.recorded_by.role for e in Expenditure.objects.select_related("recorded_by")} == {
        Role.APPLICANT, Role.FINANCE}


def test_projects_approved_today_get_their_story_today():
    _projects(5, approved_days_ago=0)
    demo.build(Builder())
    assert TaskBook.objects.count() == 6 and Expenditure.objects.exists()
    assert not TaskBook.objects.filter(issued_at__gt=timezone.now()).exists()

"""Notifications, and mail after the commit: the applicant's organisation hears that a task book version waits
for its confirmation; the officer hears that finance returned a request, and why. A mail failure leaves the write
and the notification standing."""


import pytest
from django.core import mail

from minsheng.contracts import services
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.roles import Role
from minsheng.notifications.models import Notification
from minsheng.notifications.services import prefixed

pytestmark = pytest.mark.django_db


def test_issuing_and_revising_a_task_book_mails_the_applicant(project, officer, applicant,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book = services.issue(project, by=officer)
    organisation_users = set(project.organisation.users.filter(role=Role.APPLICANT).values_list("email", flat=True))
    assert applicant.email in organisation_users
    assert {address for m in mail.outbox for address in m.to} == organisation_users
    assert project.number in mail.outbox[0].subject and "任务书待确认" in mail.outbox[0].subject
    assert "第 1 版" in mail.outbox[0].body and "确认" in mail.outbox[0].body
    told = Notification.objects.filter(kind="contracts.task_book")
    assert {n.recipient.email for n in told} == organisation_users
    assert {(n.target, n.url) for n in told} == {(book, f"/contracts/task-books/{book.pk}/")}
    services.confirm(book, revision=1, by=applicant)
    services.countersign(book, by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.revise(book, by=officer, reason="调整设备费")
    assert len(mail.outbox) == 2 * len(organisation_users) and "第 2 版" in mail.outbox[-1].body


def test_a_returned_request_mails_the_officer_who_made_it_with_the_reason(project, officer, finance, applicant,
                                                                         django_capture_on_commit_callbacks):
    book = services.issue(project, by=officer)
    services.confirm(book, revision=1, by=applicant)
    services.countersign(book, by=officer)
    first = Tranche.objects.filter(project=project).order_by("order").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_tranche(first, by=officer)
    waiting = Notification.objects.get(kind="contracts.tranche_requested")   # finance hears a tranche waits
    assert (waiting.recipient, waiting.target, waiting.url) == (finance, first, "/contracts/finance/")
    assert [m.to for m in mail.outbox if m.subject == prefixed(waiting.subject)] == [[finance.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_tranche(first, by=finance, reason="请补充开户银行信息")
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "拨款申请被退回" in mail.outbox[0].subject and "请补充开户银行信息" in mail.outbox[0].body
    told = Notification.objects.get(kind="contracts.tranche_returned")
    assert (told.recipient, told.target, told.url) == (officer, first, f"/contracts/projects/{project.pk}/")
    assert "请补充开户银行信息" in told.body


def test_a_mail_failure_leaves_the_task_book_issued(project, officer, refusing_smtp,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        book = services.issue(project, by=officer)
    assert callbacks and not mail.outbox
    assert TaskBook.objects.filter(pk=book.pk, state=TaskBook.State.DRAFT).exists()
    assert Notification.objects.filter(kind="contracts.task_book", target_id=book.pk).exists()

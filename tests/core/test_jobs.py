"""Background jobs on the database queue (core/jobs.py, core/mail.py) and `minsheng worker`.

The rest of the suite runs jobs at once after the commit (tests/conftest.py); here the queue is the database, as
in production, and the worker is the real command. Mail fails for real (SMTP to a port nobody listens on) and goes
out for real once an SMTP server listens there (tests/smtp_sink.py).
"""

import datetime

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.core.signals import setting_changed
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minsheng.core import clock, jobs, mail
from minsheng.core.management.commands.worker import requeue_stale
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db(transaction=True)

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield
    setting_changed.send(sender=None, setting="TASKS", value=None, enter=False)


def run_worker():
    call_command("worker", "--batch", "--interval", "0", verbosity=0)


def make_due(results):
    DBTaskResult.objects.filter(pk__in=[r.pk for r in results]).update(run_after=clock.now())


def test_a_job_is_part_of_the_transaction_that_queued_it(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        mail.send_later([("回滚", "正文", ["a@example.cn"])])
        raise RuntimeError("the work failed")
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        assert mail.send_later([("提交", "正文", ["a@example.cn"]), ("无地址", "正文", [""])]) == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert outbox.outbox == []          # nothing is sent inside the request


def test_the_worker_sends_what_was_queued(database_queue, settings):
    settings.EMAIL_BACKEND = LOCMEM
    mail.send_later([("您的申报已受理", "正文", ["a@example.cn"])])
    run_worker()
    assert [m.subject for m in outbox.outbox] == ["您的申报已受理"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_refused_mail_is_retried_later_and_goes_out_when_the_server_is_back(database_queue, refusing_smtp):
    mail.send_later([("验收结论", "正文", ["a@example.cn"])])
    run_worker()
    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == TaskResultStatus.FAILED and not jobs.gave_up(failed)
    assert retry.status == TaskResultStatus.READY and jobs.attempt_of(retry) == 2
    assert retry.run_after > clock.now() + datetime.timedelta(seconds=jobs.RETRY_DELAYS[0] - 5)
    run_worker()                          # not due yet: nothing runs
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1

    sink = SmtpSink(refusing_smtp.EMAIL_PORT)   # the mail server is back, on the same port
    try:
        make_due([retry])
        run_worker()
    finally:
        sink.stop()
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.SUCCESSFUL
    assert [(m["subject"], recipients) for _, recipients, m in sink.messages] == [("验收结论", ["a@example.cn"])]


def test_a_job_gives_up_after_its_retries_and_says_so(database_queue, refusing_smtp):
    mail.send_later([("提醒", "正文", ["a@example.cn"])])
    for _ in range(len(jobs.RETRY_DELAYS) + 1):
        make_due(DBTaskResult.objects.filter(status=TaskResultStatus.READY))
        run_worker()
    attempts = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert len(attempts) == len(jobs.RETRY_DELAYS) + 1
    assert all(a.status == TaskResultStatus.FAILED for a in attempts)
    assert [jobs.gave_up(a) for a in attempts] == [False] * len(jobs.RETRY_DELAYS) + [True]
    assert "ConnectionRefusedError" in attempts[-1].exception_class_path


def test_a_click_succeeds_while_the_mail_server_is_down_and_its_mail_goes_out_when_it_is_back(
        database_queue, refusing_smtp, client):
    """Done-when of issue 15: an officer verifies an organisation (a click that mails its applicants) while the
    mail server refuses; the click succeeds at once, and the mail goes out when the server is back."""
    from minsheng.core.roles import Role
    from minsheng.registry.models import Organisation
    from tests.factories import OrganisationFactory, user_for_role

    organisation = OrganisationFactory(state=Organisation.State.PENDING)
    applicant = user_for_role(Role.APPLICANT, organisation=organisation)
    officer = user_for_role(Role.OFFICER)
    client.force_login(officer)
    response = client.post(f"/registry/organisations/{organisation.pk}/verify/", follow=True)
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.state == Organisation.State.VERIFIED
    run_worker()                                   # the server refuses: the mail waits for its retry
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1

    sink = SmtpSink(refusing_smtp.EMAIL_PORT)
    try:
        make_due(DBTaskResult.objects.filter(status=TaskResultStatus.READY))
        run_worker()
    finally:
        sink.stop()
    assert [recipients for _, recipients, _m in sink.messages] == [[applicant.email]]


@jobs.job
def verify_organisation_later(organisation_pk: int) -> str:
    """A job about one record, as the platform's own jobs are (the worker imports it by its path)."""
    from minsheng.registry.models import Organisation

    return Organisation.objects.get(pk=organisation_pk).name_zh


def test_a_job_whose_record_was_deleted_gives_up_at_once_with_a_clear_record(database_queue):
    """No crash loop: a retry cannot bring the record back, so the first failure is the last, listed for admins."""
    verify_organisation_later.enqueue(999_999)
    run_worker()
    [result] = DBTaskResult.objects.all()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path.endswith("Organisation.DoesNotExist")
    assert "does not exist" in result.traceback
    assert jobs.gave_up(result)
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()   # no retry was queued


def test_a_job_left_running_by_a_killed_worker_runs_again(database_queue, settings):
    settings.EMAIL_BACKEND = LOCMEM
    mail.send_later([("任务书待确认", "正文", ["a@example.cn"])])
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING,
                                started_at=clock.now() - datetime.timedelta(hours=1))
    assert requeue_stale(datetime.timedelta(minutes=30)) == 1
    run_worker()
    assert [m.subject for m in outbox.outbox] == ["任务书待确认"]


def test_a_job_another_worker_is_running_is_left_alone(database_queue):
    mail.send_later([("评审邀请", "正文", ["a@example.cn"])])
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=clock.now())
    assert requeue_stale(datetime.timedelta(minutes=30)) == 0


def test_the_operations_page_lists_a_job_that_gave_up_and_queues_it_again(database_queue, client, settings):
    from minsheng.core.models import AuditEvent
    from minsheng.core.roles import Role
    from tests.factories import user_for_role
    from tests.permissions.rows_core import given_up_mail_job

    given_up = given_up_mail_job()
    retrying = given_up_mail_job()
    DBTaskResult.objects.filter(pk=retrying.pk).update(args_kwargs={"args": ["重试中", "正文", ["a@example.cn"]],
                                                                    "kwargs": {jobs.ATTEMPT: 2}})
    client.force_login(user_for_role(Role.ADMIN))
    page = client.get("/operations/jobs/").content.decode()
    assert "邮件“立项通知”" in page and "ConnectionRefusedError" in page and "重试中" not in page

    answer = client.post(f"/operations/jobs/{retrying.pk}/requeue/", follow=True)
    assert "仍在自动重试" in answer.content.decode()
    client.post(f"/operations/jobs/{given_up.pk}/requeue/")
    assert not DBTaskResult.objects.filter(pk=given_up.pk).exists()
    fresh = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert jobs.attempt_of(fresh) == 1 and fresh.args_kwargs["args"][0] == "立项通知"
    assert AuditEvent.objects.filter(action="core.job.requeue").count() == 1
    settings.EMAIL_BACKEND = LOCMEM
    run_worker()
    assert [m.subject for m in outbox.outbox] == ["立项通知"]

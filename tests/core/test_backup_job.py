"""The backup as a background job (core/backup_jobs.py) on the database queue, run by the real worker command:
started by an administrator from the operations page or queued by the scheduler, it writes a signed archive that
`backup.inspect` accepts, and its progress is shown to administrators only."""

import pytest
from django.core.signals import setting_changed
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minsheng.core import backup, backup_jobs
from minsheng.core.models import AuditEvent, JobProgress
from minsheng.core.roles import Role
from tests.core.test_jobs import run_worker
from tests.factories import OrganisationFactory, user_for_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BACKUP_DIR = tmp_path / "backups"
    yield settings.BACKUP_DIR
    setting_changed.send(sender=None, setting="TASKS", value=None, enter=False)


def test_an_administrator_starts_a_backup_and_the_worker_writes_it(client, database_queue):
    OrganisationFactory(name_zh="深圳市备份任务测试有限公司")
    admin = user_for_role(Role.ADMIN)
    client.force_login(admin)
    page = client.post(reverse("backup_start"), follow=True).content.decode()
    assert "备份已排队" in page and "data-ms-backup-start disabled" in page and "core/progress.js" in page
    job = JobProgress.objects.get()
    assert (job.kind, job.state, job.started_by) == ("core.backup", "queued", admin)
    assert DBTaskResult.objects.get().task_path.endswith("backup_jobs.run_backup")
    assert AuditEvent.objects.filter(action="core.backup.start", new__job=job.pk).count() == 1
    assert not database_queue.exists()                        # nothing written in the request

    run_worker()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    [archive] = database_queue.glob("minsheng-*.tar.gz")
    manifest = backup.inspect(archive)                         # signed, complete, every digest right
    assert manifest["models"]["registry.organisation"]["rows"] >= 1
    answer = client.get(reverse("backup_progress")).json()
    assert (answer["state"], answer["done"], answer["total"], answer["finished"]) == ("done", 2, 2, True)
    assert archive.name in answer["message"]
    page = client.get(reverse("jobs")).content.decode()
    assert "data-ms-progress-done" in page and archive.name in page and "data-ms-backup-start>" in page


def test_the_scheduler_queues_run_backup_without_arguments(database_queue):
    backup_jobs.run_backup.enqueue()
    run_worker()
    assert len(list(database_queue.glob("minsheng-*.tar.gz"))) == 1
    job = JobProgress.objects.get()
    assert job.state == "done" and job.started_by is None and job.result["file"].startswith("minsheng-")


def test_a_second_backup_while_one_is_under_way_is_refused(client, database_queue):
    client.force_login(user_for_role(Role.ADMIN))
    client.post(reverse("backup_start"))
    page = client.post(reverse("backup_start"), follow=True).content.decode()
    assert "备份正在进行" in page
    assert JobProgress.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert backup_jobs.run_backup.call() == ""      # the nightly one, run meanwhile, does nothing
    assert not database_queue.exists() and JobProgress.objects.count() == 1
    run_worker()
    assert len(list(database_queue.glob("minsheng-*.tar.gz"))) == 1 and JobProgress.objects.count() == 1


@pytest.mark.parametrize("role", [Role.OFFICER, Role.AUDITOR, Role.EXPERT])
def test_only_administrators_start_or_watch_a_backup(client, database_queue, role):
    backup_jobs.start(by=user_for_role(Role.ADMIN))
    client.force_login(user_for_role(role))
    assert client.post(reverse("backup_start")).status_code == 403
    assert client.get(reverse("backup_progress")).status_code == 403
    assert JobProgress.objects.count() == 1 and DBTaskResult.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, database_queue):
    assert "/login" in client.get(reverse("backup_progress"))["Location"]
    assert "/login" in client.post(reverse("backup_start"))["Location"]
    assert not JobProgress.objects.exists()


def test_a_backup_that_failed_is_named_on_the_operations_page(client, database_queue):
    from django_tasks import TaskResultStatus as Status

    from minsheng.core import clock

    DBTaskResult.objects.create(
        task_path=backup_jobs.run_backup.module_path, status=Status.FAILED, backend_name="default",
        args_kwargs={"args": [], "kwargs": {}}, run_after=clock.now(), finished_at=clock.now(),
        exception_class_path="builtins.OSError", traceback="OSError: [Errno 28] No space left on device")
    client.force_login(user_for_role(Role.ADMIN))
    page = client.get(reverse("jobs")).content.decode()
    # Not retried (a person watches it), so one failure is a job that gave up, listed with its name.
    assert "<td>备份</td>" in page and "No space left on device" in page

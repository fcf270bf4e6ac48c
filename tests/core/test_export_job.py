"""Large exports as background jobs (core/export_jobs.py) on the database queue with the real worker: over the
threshold the export page queues the file and sends the officer to its page; the worker replays the export for
that officer and writes a real workbook; only that officer follows and downloads it; small exports stay
immediate."""

import io
from urllib.parse import urlencode

import pytest
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from minsheng.core import backup, export_jobs
from minsheng.core.models import AuditEvent, JobProgress
from minsheng.core.roles import Role
from minsheng.registry.models import Organisation
from tests.core.test_jobs import run_worker
from tests.factories import OrganisationFactory, user_for_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EXPORT_JOB_ROWS = 3
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "up")}}}
    yield
    setting_changed.send(sender=None, setting="TASKS", value=None, enter=False)


def _export_url():
    return reverse("registry:organisation_export") + "?" + urlencode({"q": "深圳"})


def test_a_large_export_is_written_by_the_worker_and_downloaded_by_its_officer(client, database_queue):
    for i in range(5):
        OrganisationFactory(name_zh=f"深圳市导出任务测试{i}有限公司")
    officer = user_for_role(Role.OFFICER)
    client.force_login(officer)
    response = client.get(_export_url())
    job = JobProgress.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", kwargs={"pk": job.pk})
    assert (job.kind, job.state, job.started_by, job.result["path"]) == ("core.export", "queued", officer,
                                                                         _export_url())
    start = AuditEvent.objects.get(action="core.export.start")
    assert start.new["export"] == "registry.organisation.export" and start.new["job"] == job.pk
    assert not AuditEvent.objects.filter(action="registry.organisation.export").exists()   # nothing written yet
    page = client.get(response["Location"]).content.decode()
    assert "在后台生成" in page and "data-ms-progress=" in page and "data-ms-export-download" not in page

    run_worker()

    job.refresh_from_db()
    expected = Organisation.objects.filter(name_zh__contains="深圳").count()
    assert job.state == "done" and job.result["rows"] == expected and job.done == job.total == expected
    answer = client.get(reverse("export_job_progress", kwargs={"pk": job.pk})).json()
    assert answer["state"] == "done" and f"{expected} 行" in answer["message"]
    page = client.get(reverse("export_job", kwargs={"pk": job.pk})).content.decode()
    assert "data-ms-export-download" in page
    download = client.get(reverse("export_job_download", kwargs={"pk": job.pk}))
    assert download["Content-Disposition"].startswith("attachment;")
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert "名称" in rows[0][1] or "名称" in "".join(str(h) for h in rows[0])
    assert len(rows) == expected + 1 and {r for row in rows[1:] for r in row} >= {"深圳市导出任务测试0有限公司"}
    event = AuditEvent.objects.get(action="registry.organisation.export")
    assert event.actor == officer and event.new["rows"] == expected and event.new["job"] == job.pk
    assert event.new["filters"] == {"q": "深圳"}
    # The file is not in the backups: it is a copy of rows, deleted after a few days.
    assert not any(name.startswith("exports/") for name, _path in backup._uploads())
    assert storages["default"].exists(job.result["file"])


def test_only_the_officer_who_asked_follows_and_downloads_the_export(client, database_queue):
    for i in range(4):
        OrganisationFactory(name_zh=f"深圳市导出权限测试{i}有限公司")
    officer = user_for_role(Role.OFFICER)
    client.force_login(officer)
    client.get(_export_url())
    run_worker()
    job = JobProgress.objects.get()
    for name in ("export_job", "export_job_progress", "export_job_download"):
        client.force_login(user_for_role(Role.OFFICER))
        assert client.get(reverse(name, kwargs={"pk": job.pk})).status_code == 404
        client.force_login(user_for_role(Role.ADMIN))
        assert client.get(reverse(name, kwargs={"pk": job.pk})).status_code == 404
        client.logout()
        assert "/login" in client.get(reverse(name, kwargs={"pk": job.pk}))["Location"]


def test_asking_twice_while_it_is_written_is_the_same_export(client, database_queue):
    for i in range(4):
        OrganisationFactory(name_zh=f"深圳市重复导出测试{i}有限公司")
    client.force_login(user_for_role(Role.OFFICER))
    first = client.get(_export_url())["Location"]
    assert client.get(_export_url())["Location"] == first
    assert JobProgress.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert AuditEvent.objects.filter(action="core.export.start").count() == 1


def test_a_small_export_stays_immediate(client, database_queue, settings):
    settings.EXPORT_JOB_ROWS = 1000
    OrganisationFactory(name_zh="深圳市小导出测试有限公司")
    client.force_login(user_for_role(Role.OFFICER))
    response = client.get(_export_url())
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not JobProgress.objects.exists() and not DBTaskResult.objects.exists()


def test_an_export_whose_officer_lost_the_right_ends_with_a_clear_record(client, database_queue):
    for i in range(4):
        OrganisationFactory(name_zh=f"深圳市失权导出测试{i}有限公司")
    officer = user_for_role(Role.OFFICER)
    client.force_login(officer)
    client.get(_export_url())
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    run_worker()
    job = JobProgress.objects.get()
    assert job.state == "failed" and "不再有效" in job.message and "file" not in job.result
    assert not AuditEvent.objects.filter(action="registry.organisation.export").exists()


def test_files_of_old_exports_are_deleted(client, database_queue):
    import datetime

    from minsheng.core import clock

    for i in range(4):
        OrganisationFactory(name_zh=f"深圳市过期导出测试{i}有限公司")
    client.force_login(user_for_role(Role.OFFICER))
    client.get(_export_url())
    run_worker()
    job = JobProgress.objects.get()
    assert export_jobs.prune(clock.now() + datetime.timedelta(days=export_jobs.KEEP_DAYS - 1)) == 0
    assert export_jobs.prune(clock.now() + datetime.timedelta(days=export_jobs.KEEP_DAYS + 1)) == 1
    assert not storages["default"].exists(job.result["file"])
    assert client.get(reverse("export_job_download", kwargs={"pk": job.pk})).status_code == 404

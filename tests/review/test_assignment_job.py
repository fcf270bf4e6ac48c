"""The assignment run as a background job (M17): the officer's click queues it on the database queue, the real
worker runs it, its progress is recorded and polled by whoever may run the call's assignment, a second start is
refused while one is under way, and a run that cannot be computed ends with its reason in Chinese."""

import pytest
from django.core.signals import setting_changed
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minsheng.core import progress
from minsheng.core.models import AuditEvent, JobProgress
from minsheng.core.roles import Role
from minsheng.review import assignment as service
from minsheng.review.models import Assignment, AssignmentRun
from tests.core.test_jobs import run_worker
from tests.factories import user_for_role
from tests.factories.review_work import review_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    """The database queue, as in production (tests/core/test_jobs.py); the worker is the real command."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield
    setting_changed.send(sender=None, setting="TASKS", value=None, enter=False)


def _progress(client, call):
    return client.get(reverse("review:assignment_run_progress", kwargs={"call_pk": call.pk}))


def test_the_run_is_queued_run_by_the_worker_and_its_progress_and_result_are_shown(client, database_queue):
    w = review_world(n_applications=3, n_experts=4, k=2)
    client.force_login(w.officer)
    page_url = reverse("review:call_assignment", kwargs={"call_pk": w.call.pk})
    response = client.post(reverse("review:assignment_run", kwargs={"call_pk": w.call.pk}))
    assert response.status_code == 302
    # Nothing is computed in the request: the job waits in the queue, the page shows it waiting.
    assert not AssignmentRun.objects.exists() and not Assignment.objects.exists()
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY and queued.task_path.endswith("assignment.run_job")
    job = JobProgress.objects.get()
    assert (job.kind, job.subject, job.state, job.total, job.started_by) == (
        service.RUN_JOB, f"call:{w.call.pk}", "queued", service.RUN_STEPS, w.officer)
    assert AuditEvent.objects.filter(action="review.assignment.start", new__job=job.pk).count() == 1
    page = client.get(page_url).content.decode()
    assert f'data-ms-progress="{reverse("review:assignment_run_progress", kwargs={"call_pk": w.call.pk})}"' in page
    assert "core/progress.js" in page and "data-ms-run disabled" in page
    assert _progress(client, w.call).json() | {} == {
        "id": job.pk, "state": "queued", "state_label": "排队中", "done": 0, "total": service.RUN_STEPS,
        "percent": 0, "phase": "等待开始", "message": "", "finished": False, "page": page_url}

    run_worker()

    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    run = AssignmentRun.objects.get()
    assert Assignment.objects.filter(state=Assignment.State.PROPOSED).count() == 6 and run.run_by == w.officer
    answer = _progress(client, w.call).json()
    assert (answer["state"], answer["done"], answer["percent"], answer["finished"]) == ("done", 4, 100, True)
    assert "每份申报均已分配评审专家" in answer["message"]
    page = client.get(page_url).content.decode()
    assert f'data-ms-run-summary="{run.pk}"' in page and "data-ms-progress-done" in page
    assert "data-ms-progress=" not in page and "core/progress.js" not in page
    assert AuditEvent.objects.filter(action="review.assignment.run").count() == 1


def test_the_run_reports_each_step_in_order(db):
    w = review_world(n_applications=2, n_experts=3, k=1)
    steps = []
    service.run(w.call, by=w.officer, report=lambda done, phase: steps.append((done, phase)))
    assert [done for done, _phase in steps] == [0, 1, 2, 3]
    assert [phase for _done, phase in steps] == ["读取申报和专家", "检查利益冲突", "计算每份申报与每位专家的匹配度",
                                                 "求解最优分配并保存"]


def test_progress_is_recorded_where_the_page_reads_it(database_queue):
    w = review_world(n_applications=1, n_experts=2, k=1)
    job = service.start_run(w.call, by=w.officer)
    progress.step(job.pk, 2, "计算匹配度")
    assert progress.as_json(service.latest_job(w.call))["percent"] == 50
    assert service.latest_job(w.call).phase == "计算匹配度"


def test_a_second_start_while_one_is_under_way_is_refused(client, database_queue):
    w = review_world(n_applications=2, n_experts=3, k=1)
    other = user_for_role(Role.OFFICER)
    client.force_login(w.officer)
    client.post(reverse("review:assignment_run", kwargs={"call_pk": w.call.pk}))
    client.force_login(other)
    page = client.post(reverse("review:assignment_run", kwargs={"call_pk": w.call.pk}), follow=True)
    assert "该申报指南的专家分配正在运行" in page.content.decode()
    assert JobProgress.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert AuditEvent.objects.filter(action="review.assignment.start").count() == 1
    with pytest.raises(progress.AlreadyRunning):
        service.start_run(w.call, by=w.officer)
    run_worker()
    service.start_run(w.call, by=other)          # once the first is done, a new run may start
    assert JobProgress.objects.filter(state="queued").count() == 1


@pytest.mark.parametrize("role", [Role.DEPARTMENT_OFFICER, Role.EXPERT, Role.APPLICANT, Role.FINANCE])
def test_the_progress_is_refused_to_those_who_may_not_run_the_assignment(client, role):
    w = review_world(n_applications=1, n_experts=2, k=1)
    service.start_run(w.call, by=w.officer)
    client.force_login(user_for_role(role))
    assert _progress(client, w.call).status_code == 403
    assert client.post(reverse("review:assignment_run", kwargs={"call_pk": w.call.pk})).status_code == 403
    assert JobProgress.objects.count() == 1


def test_the_progress_is_refused_to_anonymous_visitors_and_unknown_calls(client):
    w = review_world(n_applications=1, n_experts=2, k=1)
    service.start_run(w.call, by=w.officer)
    response = _progress(client, w.call)
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(w.officer)
    assert client.get(reverse("review:assignment_run_progress", kwargs={"call_pk": 999_999})).status_code == 404


def test_the_progress_of_a_call_shows_only_its_own_run(client):
    w = review_world(n_applications=1, n_experts=2, k=1)
    other = review_world(n_applications=1, n_experts=2, k=1)
    service.start_run(other.call, by=other.officer)
    progress.start("core.backup", "", by=w.officer, total=3, phase="备份")
    client.force_login(w.officer)
    assert _progress(client, w.call).json() == {"state": "none"}


def test_a_run_that_cannot_be_computed_ends_with_its_reason_and_changes_nothing(client, database_queue):
    w = review_world(n_applications=2, n_experts=1, k=2)      # the call asks two reviewers; the pool has one
    client.force_login(w.officer)
    client.post(reverse("review:assignment_run", kwargs={"call_pk": w.call.pk}))
    run_worker()
    answer = _progress(client, w.call).json()
    assert answer["state"] == "failed" and answer["finished"]
    assert "要求每份申报由 2 名评审专家评审" in answer["message"] and "仅有 1 名在库专家" in answer["message"]
    assert not AssignmentRun.objects.exists() and not Assignment.objects.exists()
    # A refusal is the person's to read, not a job failure for administrators: the job itself ended normally.
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    page = client.get(reverse("review:call_assignment", kwargs={"call_pk": w.call.pk})).content.decode()
    assert "data-ms-progress-failure>" in page and "仅有 1 名在库专家" in page


def test_nothing_is_queued_for_a_call_without_applications_to_assign(client, database_queue):
    w = review_world(n_applications=0, n_experts=2, k=1)
    client.force_login(w.officer)
    page = client.post(reverse("review:assignment_run", kwargs={"call_pk": w.call.pk}), follow=True)
    assert "尚无通过形式审查的申报" in page.content.decode()
    assert not JobProgress.objects.exists() and not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(action="review.assignment.start").exists()


def test_a_run_whose_call_was_deleted_ends_with_a_clear_record(database_queue):
    w = review_world(n_applications=1, n_experts=2, k=1)
    job = service.start_run(w.call, by=w.officer)
    service.run_job.call(999_999, job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "申报指南已不存在" in job.message


def test_a_failed_run_queued_again_by_an_administrator_runs_unless_another_has_started(database_queue):
    w = review_world(n_applications=2, n_experts=3, k=1)
    job = service.start_run(w.call, by=w.officer)
    progress.fail(job.pk, "意外错误")                 # as an unexpected error leaves it
    service.run_job.call(w.call.pk, job.pk)           # what "Queue again" on the operations page runs
    job.refresh_from_db()
    assert job.state == "done" and AssignmentRun.objects.count() == 1

    progress.fail(job.pk, "意外错误")
    newer = service.start_run(w.call, by=w.officer)    # the officer started another meanwhile
    service.run_job.call(w.call.pk, job.pk)
    job.refresh_from_db()
    newer.refresh_from_db()
    assert job.state == "failed" and newer.state == "queued" and AssignmentRun.objects.count() == 1

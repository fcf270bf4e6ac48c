"""The progress record of long jobs (core/progress.py): one live job per kind and subject, enforced by the
database even when two starts race; a job gone silent for hours no longer blocks a new start."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from minsheng.core import clock, progress
from minsheng.core.models import JobProgress

pytestmark = pytest.mark.django_db


def test_the_database_refuses_two_live_jobs_for_one_subject():
    progress.start("review.assignment", "call:1", by=None, total=4, phase="等待开始")
    now = clock.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        JobProgress.objects.create(kind="review.assignment", subject="call:1", state="running", created_at=now,
                                   updated_at=now)
    # Another subject, another kind, or a finished job do not count.
    progress.start("review.assignment", "call:2", by=None, total=4, phase="等待开始")
    progress.start("core.backup", "call:1", by=None, total=2, phase="等待开始")
    assert JobProgress.objects.count() == 3


def test_a_second_start_is_refused_with_the_message_given():
    progress.start("core.backup", "", by=None, total=2, phase="等待开始")
    with pytest.raises(progress.AlreadyRunning) as refused:
        progress.start("core.backup", "", by=None, total=2, phase="等待开始", refusal="备份正在进行")
    assert refused.value.messages == ["备份正在进行"]
    assert JobProgress.objects.count() == 1


def test_a_job_silent_for_hours_no_longer_blocks_a_new_start():
    old = progress.start("core.backup", "", by=None, total=2, phase="等待开始")
    JobProgress.objects.filter(pk=old.pk).update(
        state="running", updated_at=clock.now() - progress.ABANDONED_AFTER - datetime.timedelta(minutes=1))
    fresh = progress.start("core.backup", "", by=None, total=2, phase="等待开始")
    old.refresh_from_db()
    assert old.state == "failed" and "未完成即已停止" in old.message and old.finished_at is not None
    assert fresh.state == "queued"


def test_steps_and_the_end_are_what_the_page_reads():
    job = progress.start("core.backup", "", by=None, total=2, phase="等待开始")
    progress.step(job.pk, 1, "写入备份文件")
    assert progress.as_json(progress.latest("core.backup", "")) | {} == {
        "id": job.pk, "state": "running", "state_label": "运行中", "done": 1, "total": 2, "percent": 50,
        "phase": "写入备份文件", "message": "", "finished": False}
    progress.finish(job.pk, message="完成", result={"file": "a.tar.gz"})
    answer = progress.as_json(progress.latest("core.backup", ""))
    assert (answer["state"], answer["done"], answer["percent"], answer["finished"]) == ("done", 2, 100, True)
    assert progress.as_json(None) == {"state": "none"}

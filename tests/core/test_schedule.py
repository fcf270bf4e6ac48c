"""The scheduler (issue 15 point 2): each entry fires once per slot however often it looks or however many run;
the nightly audit check writes a checkpoint, or mails the administrators and auditors and fails."""

import datetime
import io

import pytest
from django.core import mail as outbox
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.signals import setting_changed
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from minsheng.core import clock, nightly, schedule
from minsheng.core.models import Occasion
from minsheng.core.roles import Role
from minsheng.notifications.models import Notification
from minsheng.review.models import Assignment
from tests.core.test_audit import append
from tests.core.test_checkpoints import checkpoint_lines, run_checkpoint, shorten_to
from tests.factories import user_for_role
from tests.factories.review_work import accepted, review_world

pytestmark = pytest.mark.django_db
LOCAL = timezone.get_fixed_timezone(8 * 60)
EVERY_QUARTER = {"name": "reminders", "job": "minsheng.notifications.reminders.send_due", "every_minutes": 15}
NIGHTLY = {"name": "audit-verify", "job": "minsheng.core.nightly.verify_audit_trail", "at": "02:30"}


def at(hour: int, minute: int, day: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=LOCAL)


@pytest.fixture
def database_queue(settings):
    """The production queue: jobs are rows the worker would run, so the test can count what was queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    yield
    setting_changed.send(sender=None, setting="TASKS", value=None, enter=False)


def queued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def test_slots_are_quarter_hours_and_days_in_local_time():
    quarter, nightly_entry = schedule.Entry("r", "x", every_minutes=15), schedule.Entry(
        "n", "x", at=datetime.time(2, 30))
    assert quarter.slot(at(10, 7)) == "2026-12-03T10:00"
    assert quarter.slot(at(10, 15)) == "2026-12-03T10:15"
    assert nightly_entry.slot(at(2, 29)) is None
    assert nightly_entry.slot(at(2, 30)) == nightly_entry.slot(at(23, 59)) == "2026-12-03"


def test_a_schedule_entry_needs_one_rhythm_that_divides_a_day(settings):
    settings.SCHEDULE = [{"name": "odd", "job": "x", "every_minutes": 7}]
    with pytest.raises(ImproperlyConfigured, match="odd"):
        schedule.entries()
    settings.SCHEDULE = [{"name": "both", "job": "x", "every_minutes": 15, "at": "02:00"}]
    with pytest.raises(ImproperlyConfigured, match="both"):
        schedule.entries()


def test_each_entry_fires_once_per_slot_however_often_the_scheduler_looks(settings, database_queue):
    settings.SCHEDULE = [EVERY_QUARTER, NIGHTLY]
    assert schedule.tick(at(2, 20)) == ["reminders"]                  # the nightly check's time has not come
    assert schedule.tick(at(2, 29)) == []
    assert schedule.tick(at(2, 31)) == ["reminders", "audit-verify"]
    assert schedule.tick(at(2, 44)) == []
    assert schedule.tick(at(2, 45)) == ["reminders"]
    assert schedule.tick(at(2, 31, day=4)) == ["reminders", "audit-verify"]
    assert queued() == sorted([EVERY_QUARTER["job"]] * 4 + [NIGHTLY["job"]] * 2)


def test_two_schedulers_queue_nothing_twice(settings, database_queue):
    settings.SCHEDULE = [EVERY_QUARTER]
    for _ in range(2):
        out = io.StringIO()
        call_command("scheduler", "--once", stdout=out)
    assert queued() == [EVERY_QUARTER["job"]]


def test_old_slots_are_forgotten_but_reminders_sent_are_kept(settings, database_queue):
    settings.SCHEDULE = [EVERY_QUARTER]
    Occasion.objects.create(key="reminder:review.overdue:1:202601010000", created_at=at(1, 0, day=1))
    for day in (1, 9):
        with clock.reading(at(1, 0, day=day)):
            schedule.tick()
    assert sorted(Occasion.objects.values_list("key", flat=True)) == [
        "first-look:reminders", "reminder:review.overdue:1:202601010000", "schedule:reminders:2026-12-09T01:00"]


def test_a_tick_sends_the_reminders_that_are_due(settings, django_capture_on_commit_callbacks):
    settings.SCHEDULE = [EVERY_QUARTER]
    world = review_world(n_applications=1, n_experts=1)
    assignment = accepted(world.applications[0], world.experts[0])
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.tick() == ["reminders"]
    assert list(Notification.objects.values_list("kind", flat=True)) == ["review.overdue"]


# --- The nightly audit check ----------------------------------------------------------------------------------

def test_the_nightly_check_of_an_intact_trail_writes_a_checkpoint(settings):
    append(3)
    assert "intact" in nightly.verify_audit_trail.call()
    assert [line["source"] for line in checkpoint_lines(settings)] == ["nightly"]


def test_a_broken_trail_is_mailed_to_administrators_and_auditors_and_the_job_fails(
        django_capture_on_commit_callbacks):
    admin, auditor = user_for_role(Role.ADMIN), user_for_role(Role.AUDITOR)
    user_for_role(Role.OFFICER)
    append(5)
    assert run_checkpoint()[1] is None
    shorten_to(3)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(nightly.AuditTrailBroken):
        nightly.verify_audit_trail.call()
    assert sorted(m.to[0] for m in outbox.outbox) == sorted([admin.email, auditor.email])
    assert "审计日志未通过夜间校验" in outbox.outbox[0].subject
    assert "shortened" in outbox.outbox[0].body


def test_the_operations_page_shows_the_schedule_and_warns_when_no_scheduler_runs(settings, database_queue, client):
    settings.SCHEDULE = [EVERY_QUARTER, NIGHTLY]
    client.force_login(user_for_role(Role.ADMIN))
    page = client.get("/operations/jobs/").content.decode()
    assert "定时任务" in page and "每 15 分钟" in page and "每天 02:30" in page
    assert "data-ms-schedule-stalled" in page            # the reminders were never queued
    schedule.tick()
    page = client.get("/operations/jobs/").content.decode()
    assert "发送到期提醒" in page and "data-ms-schedule-stalled" not in page


def test_the_first_scheduler_does_not_fire_a_nightly_entry_whose_time_had_passed(settings, database_queue):
    """A newcomer's first start at noon writes no backup at once: the nightly entries start the next night; the
    quarter-hourly ones at once. A scheduler restarted later still fires the day's slot it missed."""
    settings.SCHEDULE = [EVERY_QUARTER, NIGHTLY]
    assert schedule.tick(at(12, 0)) == ["reminders"]
    assert schedule.tick(at(23, 59)) == ["reminders"]
    assert schedule.tick(at(2, 31, day=4)) == ["reminders", "audit-verify"]
    # Down from 02:00 to 09:00 on the 5th: started again, it fires the night's check it missed.
    assert schedule.tick(at(9, 0, day=5)) == ["reminders", "audit-verify"]
    assert not schedule.last_fired()["audit-verify"].key.endswith("12-03")


def test_a_scheduler_that_ran_before_first_looks_were_kept_still_fires_the_slot_it_missed(settings, database_queue):
    settings.SCHEDULE = [NIGHTLY]
    Occasion.objects.create(key="schedule:audit-verify:2026-12-02", created_at=at(2, 30, day=2))
    assert schedule.tick(at(9, 0)) == ["audit-verify"]                # down over the night of the 3rd

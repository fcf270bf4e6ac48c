"""The progress of a long background job, for the page that started it (the assignment run, backups, exports).

A job that takes minutes (core/jobs.py) gets one `JobProgress` row when it is asked for, in the same transaction
that queues it: `start` refuses a second one for the same kind and subject while the first is queued or running
(the officer who clicks twice, or two officers at once, start one run). The job then records each phase with
`step` (done of total, and a label the person reads), and ends with `finish` (and what it produced, e.g. the run
or the file) or `fail` (with the message in the platform's language). The page polls `as_json` through its own
view, which decides who may see which row: this module knows nothing of permissions.

`step`, `finish` and `fail` write outside any transaction the job may hold (they are called before it takes its
locks, or the job keeps its long reading outside its transaction), so a poll sees them at once, on SQLite as on
PostgreSQL.
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock
from minsheng.core.models import JobProgress

# A row still queued or running with no news for this long belongs to a job that is gone (the worker requeues a
# killed job after 30 minutes, core/management/commands/worker.py): it no longer blocks a new start.
ABANDONED_AFTER = datetime.timedelta(hours=2)
State = JobProgress.State
logger = logging.getLogger("minsheng.jobs")   # the worker's terminal and log show each step


class AlreadyRunning(ValidationError):
    """Another job of the same kind and subject is queued or running."""


def live(kind: str, subject: str) -> JobProgress | None:
    return JobProgress.objects.filter(kind=kind, subject=subject, state__in=(State.QUEUED, State.RUNNING)).first()


def latest(kind: str, subject: str) -> JobProgress | None:
    return JobProgress.objects.filter(kind=kind, subject=subject).order_by("-created_at", "-pk").first()


ALREADY_RUNNING = _("This job is already running; wait for it to finish.")


def start(kind: str, subject: str, *, by, total: int, phase: str, refusal=ALREADY_RUNNING) -> JobProgress:
    """A new progress row, queued; call it inside the transaction that queues the job. Refuses (AlreadyRunning,
    with `refusal` as its message) while another job of the same kind and subject is queued or running."""
    now = clock.now()
    current = live(kind, subject)
    if current is not None and current.updated_at < now - ABANDONED_AFTER:
        fail(current.pk, _("The job stopped without finishing; it was started again."))
        current = None
    if current is not None:
        raise AlreadyRunning(refusal, code="running")
    try:
        with transaction.atomic():
            return JobProgress.objects.create(kind=kind, subject=subject,
                                              started_by=by if getattr(by, "pk", None) else None, total=total,
                                              phase=str(phase), created_at=now, updated_at=now)
    except IntegrityError as error:    # another one was started between the look and the write
        raise AlreadyRunning(refusal, code="running") from error


def resume(pk: int) -> bool:
    """Called by a job as it starts: its row is live (True), or, for a job an administrator queued again after it
    failed, live again unless another job of its kind and subject has started meanwhile (False: do nothing)."""
    row = JobProgress.objects.filter(pk=pk).first()
    if row is None:
        return False
    if row.live:
        return True
    try:
        with transaction.atomic():
            JobProgress.objects.filter(pk=pk).update(state=State.QUEUED, done=0, message="", finished_at=None,
                                                     updated_at=clock.now())
    except IntegrityError:
        return False
    return True


def step(pk: int, done: int, phase: str, *, total: int | None = None) -> None:
    """Record that the job has done `done` of its `total` steps and is now in `phase`."""
    fields = {"state": State.RUNNING, "done": done, "phase": str(phase)[:200], "updated_at": clock.now()}
    if total is not None:
        fields["total"] = total
    JobProgress.objects.filter(pk=pk).update(**fields)
    logger.info("job progress %s: %s%s %s", pk, done, f"/{total}" if total is not None else "", phase)


def finish(pk: int, *, message: str = "", result: dict | None = None) -> None:
    now = clock.now()
    row = JobProgress.objects.filter(pk=pk).first()
    if row is None:
        return
    JobProgress.objects.filter(pk=pk).update(state=State.DONE, done=row.total, phase="", message=str(message),
                                             result=result or {}, updated_at=now, finished_at=now)


def fail(pk: int, message: str) -> None:
    logger.info("job progress %s failed: %s", pk, message)
    now = clock.now()
    JobProgress.objects.filter(pk=pk).update(state=State.FAILED, message=str(message), updated_at=now,
                                             finished_at=now)


def as_json(progress: JobProgress | None, **extra) -> dict:
    """What a polling page needs: the state, done of total, the phase, the message, and the view's own extras."""
    if progress is None:
        return {"state": "none"}
    percent = round(100 * progress.done / progress.total) if progress.total else 0
    return {"id": progress.pk, "state": progress.state, "state_label": progress.get_state_display(),
            "done": progress.done, "total": progress.total, "percent": percent, "phase": progress.phase,
            "message": progress.message, "finished": not progress.live, **extra}

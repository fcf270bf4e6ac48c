"""Large exports as background jobs: over `threshold()` rows, an export is written by the worker and the person
downloads the file when it is ready; smaller ones are answered at once, as before (core/exports.py).

Every export page answers through `exports.export_response`, which reads at most `threshold() + 1` rows in the
request: if the table is larger it stops there and queues `build`, which replays the same request in the worker
(the same address, filters and person, the person's language), so each export's own code — its scope, filters,
columns and audit event — decides what the file holds, and the permission is checked again when the file is
written. The file goes to the default storage (shared by every server) under exports/; only the person who asked
may follow its progress and download it, and it is deleted after KEEP_DAYS.

The export's usual audit event (who took how many rows out, with which filters) is recorded when the file is
written, with the job's number; asking for the file records `core.export.start`.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.core import audit, clock, jobs, progress
from minsheng.core.models import JobProgress

logger = logging.getLogger("minsheng.jobs")
KIND = "core.export"
FOLDER = "exports"
KEEP_DAYS = 7
DEFAULT_THRESHOLD = 5000     # rows; below it an export is written in the request (a second or two)
STEP_ROWS = 500              # how often the progress is recorded while the workbook is written


def threshold() -> int:
    """Rows above which an export becomes a background job (EXPORT_JOB_ROWS, 5,000 unless set)."""
    return int(getattr(settings, "EXPORT_JOB_ROWS", DEFAULT_THRESHOLD))


def in_job(request) -> int | None:
    """The job's progress row when `request` is the replay of an export in the worker."""
    return getattr(request, "export_job", None)


def _subject(user, path: str) -> str:
    return f"user:{user.pk}:{hashlib.sha256(path.encode()).hexdigest()[:40]}"


def page_of(job: JobProgress) -> str:
    return reverse("export_job", kwargs={"pk": job.pk})


def queue(request, *, action: str, title) -> JobProgress:
    """Queue the export the request asks for; the same export already queued or running is that one."""
    path = request.get_full_path()
    subject = _subject(request.user, path)
    current = progress.live(KIND, subject)
    if current is not None:
        return current
    with transaction.atomic():
        try:
            job = progress.start(KIND, subject, by=request.user, total=0, phase=gettext("Waiting to start"))
        except progress.AlreadyRunning:        # the same click, twice at once
            return progress.live(KIND, subject)
        job.result = {"path": path, "title": str(title)}
        job.save(update_fields=["result"])
        audit.record(action="core.export.start", by=request.user, new={"job": job.pk, "export": action,
                                                                       "address": path}, reason=str(title))
        jobs.later(build, job.pk, translation.get_language() or settings.LANGUAGE_CODE)
    return job


def _replay(address: str) -> HttpRequest:
    """A GET request for `address` (path and query), as the export's view reads it."""
    path, _sep, query = address.partition("?")
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query}
    return request


@jobs.job(retries=(), label=_("Large export"))
def build(progress_pk: int, language: str) -> None:
    """Replay the export's request for its person in the worker; `exports.export_response` then calls `write`."""
    job = JobProgress.objects.filter(pk=progress_pk, kind=KIND).select_related("started_by").first()
    if job is None or not progress.resume(progress_pk):
        logger.warning("export %s: its progress record is gone or the same export has started again; nothing to "
                       "do", progress_pk)
        return
    with translation.override(language):
        user = job.started_by
        if user is None or not user.is_active:
            progress.fail(job.pk, gettext("The account that asked for this export is no longer active."))
            return
        request = _replay(job.result["path"])
        request.user, request.export_job, request.LANGUAGE_CODE = user, job.pk, language
        match = resolve(request.path_info)
        try:
            response = match.func(request, *match.args, **match.kwargs)
        except Exception:
            progress.fail(job.pk, gettext("The export failed unexpectedly. Try again; if it fails again, an "
                                          "administrator finds the error on the background jobs page."))
            raise
        job.refresh_from_db()
        if job.state != job.State.DONE:    # the view refused: the permission or the record is gone
            logger.info("export %s refused in the worker: %s", job.pk, getattr(response, "status_code", "?"))
            progress.fail(job.pk, gettext("You may no longer export these records; nothing was written."))


def write(request, *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence],
          record: Callable[[int], object], count: Callable[[list], int] = len) -> HttpResponse:
    """In the worker: read every row, write the workbook into the storage, record the export (`record(rows)`,
    inside the transaction) and mark the job done."""
    from minsheng.core.exports import xlsx_bytes

    pk = in_job(request)
    progress.step(pk, 0, gettext("Reading the records"))
    table = list(rows)
    total = len(table)
    progress.step(pk, 0, gettext("Writing the workbook"), total=total)
    content = xlsx_bytes(title, headers, table, progress=lambda done: progress.step(
        pk, done, gettext("Writing the workbook")) if done % STEP_ROWS == 0 else None)
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    name = storages["default"].save(f"{FOLDER}/{pk}/{filename}-{stamp}.xlsx", ContentFile(content))
    job = JobProgress.objects.get(pk=pk)
    with transaction.atomic():
        record(count(table))
    progress.finish(pk, result={**job.result, "file": name, "filename": f"{filename}-{stamp}.xlsx", "rows": total},
                    message=gettext("The export is ready: %(n)s rows.") % {"n": total})
    return HttpResponse(status=204)


def prune(now: datetime.datetime | None = None) -> int:
    """Delete the files of exports finished more than KEEP_DAYS ago (the scheduler may call it nightly)."""
    limit = (now or clock.now()) - datetime.timedelta(days=KEEP_DAYS)
    storage, removed = storages["default"], 0
    for job in JobProgress.objects.filter(kind=KIND, finished_at__lt=limit, result__has_key="file"):
        if storage.exists(job.result["file"]):
            storage.delete(job.result["file"])
            removed += 1
        job.result = {k: v for k, v in job.result.items() if k != "file"}
        job.save(update_fields=["result"])
    return removed


@jobs.job(label=_("Old export files deleted"))
def prune_old_exports() -> int:
    """The scheduler's nightly `prune` (settings.SCHEDULE)."""
    return prune()

"""The operations page for background jobs (administrators): what waits, what runs, what failed and gave up;
the backup started from it; and the page of a large export, for the person who asked for it.

A job that gave up (core.jobs.RETRY_DELAYS used up) is listed until an administrator queues it again; that
writes an audit event and replaces the given-up row with a fresh first attempt.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from rules.contrib.views import permission_required

from minsheng.core import audit, backup_jobs, clock, export_jobs, jobs, mail, progress, schedule
from minsheng.core.exports import XLSX
from minsheng.core.models import JobProgress

GIVEN_UP_SHOWN = 100


def operators_only(view):
    return login_required(permission_required("core.view_jobs", raise_exception=True)(view))


def describe(result: DBTaskResult) -> str:
    """What a job does, in words an administrator reads: the mail's subject and how many it goes to."""
    arguments = (result.args_kwargs or {}).get("args", [])
    if result.task_path == mail.deliver.module_path and len(arguments) >= 3:
        return _("Mail “%(subject)s” to %(count)s address(es)") % {"subject": arguments[0],
                                                                       "count": len(arguments[2])}
    label = jobs.label_of(result.task_path)
    if label:
        return str(label)
    return result.task_path.rsplit(".", 1)[-1]


def last_error(result: DBTaskResult) -> str:
    lines = [line for line in (result.traceback or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else result.exception_class_path


@operators_only
@require_GET
def job_list(request):
    now = clock.now()
    counts = DBTaskResult.objects.aggregate(
        waiting=Count("pk", filter=Q(status=TaskResultStatus.READY, run_after__lte=now)),
        scheduled=Count("pk", filter=Q(status=TaskResultStatus.READY, run_after__gt=now)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
        done_today=Count("pk", filter=Q(status=TaskResultStatus.SUCCESSFUL,
                                        finished_at__gte=now - datetime.timedelta(days=1))),
    )
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
    given_up = [r for r in failed.iterator() if jobs.gave_up(r)][:GIVEN_UP_SHOWN]
    counts["retrying"] = counts.pop("failed") - len(given_up)
    return render(request, "core/jobs.html", {
        "counts": counts,
        "given_up": [{"result": r, "what": describe(r), "error": last_error(r), "attempts": jobs.attempt_of(r)}
                     for r in given_up],
        "retry_delays": [round(seconds / 60) for seconds in jobs.RETRY_DELAYS],
        "backup": backup_jobs.latest(), "backup_directory": backup_jobs.directory(),
        **_schedule(now),
    })


def _schedule(now) -> dict:
    """Each scheduled entry with its rhythm and when it last fired; stalled when a repeating entry has missed
    three of its slots (no scheduler running)."""
    fired = schedule.last_fired()
    rows, stalled = [], False
    for entry in schedule.entries():
        last = fired.get(entry.name)
        rows.append({"entry": entry, "what": jobs.label_of(entry.job) or entry.name,
                     "last": last.created_at if last else None})
        if entry.every_minutes:
            stalled |= last is None or now - last.created_at > datetime.timedelta(minutes=3 * entry.every_minutes)
    return {"schedule": rows, "schedule_stalled": stalled}


@operators_only
@require_POST
def backup_start(request):
    """Back up now: the worker writes the archive; this page shows its progress."""
    try:
        backup_jobs.start(by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The backup is queued; its progress is shown below."))
    return redirect("jobs")


@operators_only
@require_GET
def backup_progress(request):
    return JsonResponse(progress.as_json(backup_jobs.latest(), page=reverse("jobs")),
                        headers={"Cache-Control": "no-store"})


@operators_only
@require_POST
def job_requeue(request, pk):
    result = get_object_or_404(DBTaskResult, pk=pk, status=TaskResultStatus.FAILED)
    if not jobs.gave_up(result):
        messages.error(request, _("This job is still being retried; it runs again on its own."))
        return redirect("jobs")
    with transaction.atomic():
        jobs.requeue(result)
        audit.record(action="core.job.requeue", by=request.user,
                     old={"job": str(result.pk), "task": result.task_path, "error": result.exception_class_path},
                     new={"attempt": 1}, reason=describe(result))
    messages.success(request, _("The job is queued again; the worker runs it within a few seconds."))
    return redirect("jobs")


# --- A large export written by the worker (core/export_jobs.py): only its own person sees and downloads it ------

def _own_export(request, pk: int) -> JobProgress:
    return get_object_or_404(JobProgress, pk=pk, kind=export_jobs.KIND, started_by=request.user)


@login_required
@require_GET
def export_job(request, pk: int):
    job = _own_export(request, pk)
    return render(request, "core/export_job.html", {
        "job": job, "title": job.result.get("title", ""),
        "ready": job.state == job.State.DONE and "file" in job.result, "keep_days": export_jobs.KEEP_DAYS})


@login_required
@require_GET
def export_job_progress(request, pk: int):
    job = _own_export(request, pk)
    return JsonResponse(progress.as_json(job, page=reverse("export_job", kwargs={"pk": job.pk})),
                        headers={"Cache-Control": "no-store"})


@login_required
@require_GET
def export_job_download(request, pk: int):
    job = _own_export(request, pk)
    name = job.result.get("file") if job.state == job.State.DONE else None
    storage = storages["default"]
    if not name or not storage.exists(name):
        raise Http404
    return FileResponse(storage.open(name, "rb"), as_attachment=True, filename=job.result.get("filename"),
                        content_type=XLSX)

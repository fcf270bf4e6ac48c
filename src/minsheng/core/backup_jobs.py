"""The backup as a background job: started by an administrator from the operations page, or queued each night by
the scheduler (`run_backup`), run by the worker, with its progress on the operations page.

The backup itself is core/backup.py (`backup create` on the command line does the same, with a progress bar in the
terminal). The tables are read in one snapshot transaction, which on SQLite holds the database's write lock: the
progress is therefore recorded before the snapshot (the number of tables to read) and after it (writing the
archive), not table by table.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minsheng.core import audit, backup, jobs, progress
from minsheng.core.models import JobProgress

logger = logging.getLogger("minsheng.jobs")
KIND = "core.backup"
# Steps: reading the snapshot, writing the archive; done.
STEPS = 2


def directory() -> Path:
    """Where backups are written: BACKUP_DIR if set, else var/backups (as `minsheng backup create`)."""
    return Path(getattr(settings, "BACKUP_DIR", None) or settings.VAR_DIR / "backups")


def latest() -> JobProgress | None:
    return progress.latest(KIND, "")


@transaction.atomic
def start(*, by) -> JobProgress:
    """Queue a backup now (the administrator's button); refused while one is queued or running."""
    started = progress.start(KIND, "", by=by, total=STEPS, phase=gettext("Waiting to start"),
                             refusal=_("A backup is already under way; its progress is shown on this page."))
    audit.record(action="core.backup.start", by=by, new={"job": started.pk},
                 reason=gettext("Backup started from the operations page"))
    jobs.later(run_backup, started.pk)
    return started


@jobs.job(retries=(), label=_("Backup"))
def run_backup(progress_pk: int | None = None) -> str:
    """Write one backup into `directory()` and return its file name. Queued without an argument (the nightly
    scheduler), it records its own progress; while another backup is under way it does nothing."""
    with translation.override(settings.LANGUAGE_CODE):
        row = JobProgress.objects.filter(pk=progress_pk, kind=KIND).first() if progress_pk else None
        if row is not None and not progress.resume(row.pk):
            logger.info("backup not started again: another backup is under way")
            return ""
        if row is None:
            try:
                row = progress.start(KIND, "", by=None, total=STEPS, phase=gettext("Waiting to start"))
            except progress.AlreadyRunning:
                logger.info("backup not started: another backup is under way")
                return ""
        tables = len(backup._models())
        progress.step(row.pk, 0, gettext("Reading %(n)s tables and the uploaded files") % {"n": tables})
        try:
            path = backup.create(directory(), archiving=lambda: progress.step(
                row.pk, 1, gettext("Writing the archive")))
        except Exception:
            progress.fail(row.pk, gettext("The backup failed; no archive was written. The error is listed on this "
                                          "page under the jobs that gave up."))
            raise
        size = path.stat().st_size
        progress.finish(row.pk, result={"file": path.name, "bytes": size},
                        message=gettext("Backup written: %(file)s (%(size)s bytes).") % {
                            "file": path.name, "size": f"{size:,}"})
        logger.info("backup written: %s (%s bytes)", path, size)
        return path.name

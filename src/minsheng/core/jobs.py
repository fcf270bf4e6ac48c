"""Background jobs: work that must not make a click slow or fail (mail first) runs in a worker process.

The jobs are django-tasks with its database backend (docs/decisions.md): a job is a row in the platform's own
database, so queuing one inside a transaction makes it part of that transaction. The decision and the mail that
tells people about it commit together or not at all, and a job waiting in the table survives a worker that is
stopped and started again.

`job` declares a task that is retried with back-off when it raises: a mail server that is down for an hour
loses nothing. Every attempt is its own row; the last one, once the retries are used up, stays failed and is
listed for administrators on the operations page (`given_up`).

Start the worker with `minsheng worker` (`make run` starts one beside the web server).
"""

import datetime
import functools
import logging

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task, task_backends
from django_tasks_db import DatabaseBackend

from minsheng.core import clock

logger = logging.getLogger("minsheng.jobs")

# Seconds to wait before each retry: 1 minute, 5 minutes, 30 minutes, 2 hours, 6 hours; then the job gives up.
RETRY_DELAYS = (60, 300, 1800, 7200, 21600)
ATTEMPT = "_attempt"


def _queues_in_database(declared) -> bool:
    return isinstance(task_backends[declared.backend], DatabaseBackend)


def job(function=None, *, retries: tuple[int, ...] = RETRY_DELAYS, label=None):
    """Declare a background job (a django-tasks Task) that is queued again, later, each time it raises, until
    the retries (seconds to wait before each; RETRY_DELAYS unless given) are used up.

    A job that a person started and watches (the assignment run, a backup, an export) declares `retries=()`: it
    reports its failure to that person at once, who may start it again, rather than running hours later. `label`
    names the job on the operations page (`label_of`)."""

    def declare(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            attempt = kwargs.pop(ATTEMPT, 1)
            try:
                return func(*args, **kwargs)
            except ObjectDoesNotExist:
                # What the job is about was deleted: no retry can succeed, so it gives up at once (gave_up).
                logger.exception("job %s: what it is about no longer exists; not retried", declared.name)
                raise
            except Exception:
                if attempt <= len(retries) and _queues_in_database(declared):
                    delay = retries[attempt - 1]
                    declared.using(run_after=clock.now() + datetime.timedelta(seconds=delay)).enqueue(
                        *args, **kwargs, **{ATTEMPT: attempt + 1})
                    logger.warning("job %s failed (attempt %s); retrying in %s s", declared.name, attempt, delay)
                else:
                    logger.exception("job %s failed (attempt %s); giving up", declared.name, attempt)
                raise

        run.retry_delays, run.label = retries, label
        declared = task(run)
        return declared

    return declare(function) if function is not None else declare


def later(declared, *args, **kwargs) -> None:
    """Queue a job as part of the caller's transaction.

    With the database backend the job's row is written in the transaction, so it commits or rolls back with the
    work that asked for it. A backend without a queue of its own (the immediate one tests may use) runs the job
    only once the transaction has committed, never for work that was rolled back.
    """
    if _queues_in_database(declared):
        declared.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: declared.enqueue(*args, **kwargs))


def attempt_of(result) -> int:
    """The attempt a job's row records (1 for the first run)."""
    return int((result.args_kwargs or {}).get("kwargs", {}).get(ATTEMPT, 1))


def retries_of(task_path: str) -> tuple[int, ...]:
    """The retry delays the job at `task_path` declares (RETRY_DELAYS for a job that is no longer declared)."""
    try:
        return getattr(import_string(task_path).func, "retry_delays", RETRY_DELAYS)
    except (ImportError, AttributeError):
        return RETRY_DELAYS


def label_of(task_path: str):
    """The name a job declares for the operations page, or None."""
    try:
        return getattr(import_string(task_path).func, "label", None)
    except (ImportError, AttributeError):
        return None


def gave_up(result) -> bool:
    """A failed attempt after which no retry was queued: what an administrator must look at."""
    return (attempt_of(result) > len(retries_of(result.task_path))
            or result.exception_class_path.endswith(".DoesNotExist"))


def requeue(result) -> None:
    """Queue a job that gave up again as a first attempt, in place of the given-up row."""
    kwargs = {k: v for k, v in (result.args_kwargs or {}).get("kwargs", {}).items() if k != ATTEMPT}
    declared = import_string(result.task_path)    # as declared: no run_after of a retry
    declared.enqueue(*(result.args_kwargs or {}).get("args", []), **kwargs)
    result.delete()

"""Permission rows for the audit trail and the project-level routes (health, language, admin, API, portal)."""

from minsheng.core.roles import Role
from tests.permissions.spec import (
    ALL_SIGNED_IN,
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    REDIRECT,
    Row,
    everyone,
    only,
)

AUDIT_READERS = {Role.AUDITOR, Role.ADMIN}


def extend_world(world):
    from django.db import transaction

    from minsheng.core import audit

    with transaction.atomic():
        world.audit_event = audit.record(action="registry.organisation.verify", target=world.org_other,
                                         new={"state": "verified"}, clause="M03", reason="permission matrix")
    world.given_up_job = given_up_mail_job()


def given_up_mail_job():
    """A mail job whose every attempt failed, as the operations page lists it."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from minsheng.core import clock, jobs, mail

    return DBTaskResult.objects.create(
        task_path=mail.deliver.module_path, status=TaskResultStatus.FAILED, backend_name="default",
        args_kwargs={"args": ["立项通知", "正文", ["lead@example.cn"]],
                     "kwargs": {jobs.ATTEMPT: len(jobs.RETRY_DELAYS) + 1}},
        run_after=clock.now(), finished_at=clock.now(), exception_class_path="builtins.ConnectionRefusedError",
        traceback="ConnectionRefusedError: [Errno 111] Connection refused")


def _job(world):
    return {"pk": world.given_up_job.pk}


def _event(world):
    return {"pk": world.audit_event.pk}


def _missing_event(world):
    return {"pk": world.audit_event.pk + 10_000}


ROWS = [
    # The audit trail: auditors and administrators only; anonymous visitors are sent to the login page.
    Row("core:audit_list", only(AUDIT_READERS)),
    Row("core:audit_list", only(AUDIT_READERS), query="?action=registry&clause=M03&q=matrix", note="filtered"),
    Row("core:audit_list", only(AUDIT_READERS, ok=NOT_ALLOWED), method="POST", note="read-only"),
    Row("core:audit_detail", only(AUDIT_READERS), kwargs=_event),
    Row("core:audit_detail", only(AUDIT_READERS, ok=NOT_FOUND), kwargs=_missing_event, note="unknown event"),
    Row("core:audit_detail", only(AUDIT_READERS, ok=NOT_ALLOWED), kwargs=_event, method="POST", note="read-only"),
    Row("core:audit_verify", only(AUDIT_READERS), method="POST"),
    Row("core:audit_verify", only(AUDIT_READERS), method="POST", extra={"headers": {"HX-Request": "true"}},
        note="htmx"),
    Row("core:audit_verify", only(AUDIT_READERS, ok=NOT_ALLOWED), note="GET"),
    Row("core:audit_export", only(AUDIT_READERS)),
    Row("core:audit_export", only(AUDIT_READERS, ok=REDIRECT), query="?date_from=2025-02-30", note="bad filter"),
    # Background jobs: administrators only.
    Row("jobs", only({Role.ADMIN})),
    Row("jobs", only({Role.ADMIN}, ok=NOT_ALLOWED), method="POST", note="read-only"),
    Row("job_requeue", only({Role.ADMIN}, ok=REDIRECT), kwargs=_job, method="POST"),
    Row("job_requeue", only({Role.ADMIN}, ok=NOT_ALLOWED), kwargs=_job, note="GET"),
    Row("job_requeue", only({Role.ADMIN}, ok=NOT_FOUND), method="POST",
        kwargs=lambda world: {"pk": "00000000-0000-0000-0000-000000000000"}, note="unknown job"),
    Row("backup_start", only({Role.ADMIN}, ok=REDIRECT), method="POST"),
    Row("backup_start", only({Role.ADMIN}, ok=NOT_ALLOWED), note="GET"),
    Row("backup_progress", only({Role.ADMIN})),
    Row("backup_progress", only({Role.ADMIN}, ok=NOT_ALLOWED), method="POST", note="read-only"),
    # A large export's page, progress and file: only its own person (an unknown one is 404 for everyone).
    Row("export_job", only(ALL_SIGNED_IN, ok=NOT_FOUND), kwargs=lambda world: {"pk": 999_999}, note="unknown"),
    Row("export_job_progress", only(ALL_SIGNED_IN, ok=NOT_FOUND), kwargs=lambda world: {"pk": 999_999},
        note="unknown"),
    Row("export_job_download", only(ALL_SIGNED_IN, ok=NOT_FOUND), kwargs=lambda world: {"pk": 999_999},
        note="unknown"),
    Row("export_job_download", only(ALL_SIGNED_IN, ok=NOT_ALLOWED), kwargs=lambda world: {"pk": 999_999},
        method="POST", note="read-only"),
    # Django's admin: staff only; everyone else is sent to the admin's own login page.
    Row("admin:index", only({Role.ADMIN}, denied=REDIRECT)),
    # Operations and the public parts of the site.
    Row("healthz", everyone()),
    Row("healthz", everyone(NOT_ALLOWED), method="POST", note="read-only"),
    Row("livez", everyone()),
    Row("livez", everyone(NOT_ALLOWED), method="POST", note="read-only"),
    Row("set_language", everyone(REDIRECT), method="POST", data=lambda world: {"language": "en", "next": "/"}),
    Row("set_language", everyone(NOT_ALLOWED), note="GET"),
    Row("portal:index", everyone()),
    # The menu's inbox counts: every visitor gets an answer, each of their own inbox (a visitor's is empty).
    Row("inbox_counts", everyone()),
    Row("inbox_counts", everyone(NOT_ALLOWED), method="POST", note="read-only"),
    # The API: schema and docs are public; the API itself needs a signed-in user (no login redirect).
    Row("api-schema", everyone()),
    Row("api-docs", everyone()),
    Row("api-docs", everyone(), query="?script", note="start-up script"),
    Row("api-root", only(ALL_SIGNED_IN, anonymous=FORBIDDEN)),
]

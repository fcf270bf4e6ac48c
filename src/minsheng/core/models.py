from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from minsheng.core import clock, vocabulary


class BilingualNameMixin(models.Model):
    """A Chinese and an English name; `name` answers in the language of the page."""

    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "zh-hans").lower()
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One append-only, hash-chained record of an action.

    The database refuses UPDATE and DELETE on this table (migration 0002 adds the triggers);
    `minsheng audit verify` recomputes the chain and names any row that was changed, removed
    or inserted behind the platform's back.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=300, blank=True)
    old = models.JSONField(_("old values"), null=True, blank=True)
    new = models.JSONField(_("new values"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    clause = models.CharField(_("clause"), max_length=20, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        # Not the target's label: events older than the personal-data tokens may hold a contact detail there.
        return f"#{self.seq} {vocabulary.action_text(self.action)}"


class AuditChainHead(models.Model):
    """The last link of the chain: locked while an event is appended, so links never fork."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"


class OneTimeToken(models.Model):
    """A money-moving form or API call, recorded once: the one-time token its form carried (or the API's
    Idempotency-Key), claimed in the same transaction as the write, so the same request sent again (a retry after
    a lost answer or a crash) finds this row instead of writing a second time. See core/once.py."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(_("token"), max_length=128)
    action = models.CharField(_("action"), max_length=80)
    # What was sent (method, path and values, hashed): the same token with other values is refused, not replayed.
    fingerprint = models.CharField(max_length=64)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("one-time token")
        verbose_name_plural = _("one-time tokens")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_onetimetoken_once")]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M:%S}"


class HealthProbe(models.Model):
    """Never holds a row: /healthz inserts one and rolls it back, to learn that the database takes writes."""

    id = models.PositiveSmallIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"probe {self.id}"


class PersonalDataKey(models.Model):
    """The random key of one record's personal-data tokens in the audit trail (core/personal.py).

    Erasing the record's personal data deletes this row: its tokens in the trail can then no longer be
    tested against a guess, not even by someone holding PERSONAL_DATA_KEY.
    """

    subject_type = models.CharField(_("kind of record"), max_length=80)
    subject_id = models.CharField(_("record id"), max_length=64)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal-data key")
        verbose_name_plural = _("personal-data keys")
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"], name="personal_key_per_subject")]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.subject_id}"


class JobProgress(models.Model):
    """How far one long background job has come (core/progress.py): the page that started it polls this row.

    `kind` and `subject` name what the job works on ("review.assignment", "call:12"); at most one job per kind and
    subject is queued or running at a time, which the partial unique constraint guarantees even when two people
    click at the same moment.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("job progress", "Failed")

    kind = models.CharField(pgettext_lazy("job progress", "kind"), max_length=80)
    subject = models.CharField(pgettext_lazy("job progress", "subject"), max_length=80, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    phase = models.CharField(_("phase"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(pgettext_lazy("job progress", "result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job progress")
        verbose_name_plural = _("job progress")
        indexes = [models.Index(fields=["kind", "subject", "-created_at"], name="job_progress_latest")]
        constraints = [models.UniqueConstraint(fields=["kind", "subject"], condition=models.Q(state__in=["queued",
                                                                                                        "running"]),
                                               name="one_live_job_per_subject")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} {self.state}"

    @property
    def live(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class Occasion(models.Model):
    """Something the platform did on its own, once: a scheduled job fired for its slot, a reminder sent.

    The key is unique, and the row is written in the same transaction as what it records (core/schedule.py), so
    two schedulers, a restart or a reminder run twice cannot do it a second time.
    """

    key = models.CharField(_("occasion"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")

    def __str__(self) -> str:
        return self.key

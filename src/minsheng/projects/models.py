"""Projects under way (M17): the organisation's periodic progress reports against the signed task book, and the
programme office's mid-term check (中期检查).

A progress report belongs to one reporting period (projects/periods.py computes them; they are not stored) and
goes draft → submitted → accepted, or → returned with the officer's comments and → submitted again. It keeps,
per milestone of the signed task book, its status and the work done; per indicator, the value reached and the
evidence; the money spent by category up to the period's end as a snapshot taken at submission; and the problems
and risks. A mid-term check is recorded once per project, with its result.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgressReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("progress report state", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("progress report state", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("progress report state", "Accepted")
        RETURNED = "returned", pgettext_lazy("progress report state", "Returned for changes")

    project = models.ForeignKey("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="progress_reports")
    task_book = models.ForeignKey("contracts.TaskBook", verbose_name=_("task book"), on_delete=models.PROTECT,
                                  related_name="+")
    period = models.PositiveSmallIntegerField(_("period"))
    period_ends_on = models.DateField(_("period ends"))
    due_on = models.DateField(_("report due"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    problems = models.TextField(_("problems and risks"), blank=True)
    # {category: "amount in yuan"} spent up to the period's end, read from the expenditures at submission
    spent = models.JSONField(_("money spent by category"), default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comments = models.TextField(_("officer's comments"), blank=True)

    class Meta:
        ordering = ["project", "period"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [models.UniqueConstraint(fields=["project", "period"], name="progress_report_once_a_period")]

    def __str__(self) -> str:
        return f"{self.project.number} #{self.period}"

    @property
    def on_time(self) -> bool:
        return self.submitted_at is not None and self.submitted_at.date() <= self.due_on


class MilestoneProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="milestones")
    milestone = models.ForeignKey("contracts.TaskBookMilestone", verbose_name=_("milestone"),
                                  on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    work_done = models.TextField(_("work done"), blank=True)

    class Meta:
        ordering = ["report", "milestone__due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "milestone"], name="progress_milestone_once")]

    def __str__(self) -> str:
        return f"{self.milestone_id} {self.get_status_display()}"


class IndicatorProgress(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey("contracts.TaskBookIndicator", verbose_name=_("indicator"),
                                  on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value reached"), max_digits=16, decimal_places=2)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["report", "indicator__pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="progress_indicator_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="progress_indicator_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.value}"


class MidtermCheck(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", _("Passed")
        ACTIONS = "actions", _("Passed with corrective actions")
        TERMINATE = "terminate", _("Termination proposed")

    PASSED = (Result.PASS, Result.ACTIONS)

    project = models.OneToOneField("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                   related_name="midterm_check")
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    findings = models.TextField(_("findings"))
    actions = models.TextField(_("corrective actions"), blank=True)
    actions_due_on = models.DateField(_("corrective actions due"), null=True, blank=True)
    reason = models.TextField(_("reason for proposing termination"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("mid-term check")
        verbose_name_plural = _("mid-term checks")
        constraints = [
            models.CheckConstraint(condition=~Q(result="actions") | (~Q(actions="") & Q(actions_due_on__isnull=False)),
                                   name="midterm_actions_have_a_deadline"),
            models.CheckConstraint(condition=~Q(result="terminate") | ~Q(reason=""),
                                   name="midterm_termination_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} {self.get_result_display()}"

    @property
    def passed(self) -> bool:
        return self.result in self.PASSED


class ChangeRequest(models.Model):
    """A change request (项目变更申请) of a project under way, asked by its organisation against the signed task
    book and decided by the programme office under the rule of its kind (projects/changes.py).

    It is submitted whole (the proposed change as structured data and the applicant's reason) and goes
    submitted → approved or rejected; a change whose rule asks for four eyes goes submitted → endorsed by one
    officer → approved by a second, never the same person. The applicant may withdraw it while it waits. The
    approval starts the next task-book version with the change applied (`result_book`), which the organisation
    confirms and the officer countersigns as every version; a rejection keeps its reason.
    """

    class Kind(models.TextChoices):
        BUDGET = "budget", _("Budget moved between categories")
        EXTENSION = "extension", _("End date extended")
        INDICATOR = "indicator", _("Indicator target changed")
        TEAM = "team", _("Project lead or team member replaced")
        PARTNER = "partner", _("Cooperation partner changed")

    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("change request state", "Submitted")
        ENDORSED = "endorsed", _("Awaiting a second officer")
        APPROVED = "approved", pgettext_lazy("change request state", "Approved")
        REJECTED = "rejected", pgettext_lazy("change request state", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("change request state", "Withdrawn")

    OPEN = ("submitted", "endorsed")

    project = models.ForeignKey("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="change_requests")
    task_book = models.ForeignKey("contracts.TaskBook", verbose_name=_("task book it changes"),
                                  on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of change"), max_length=12, choices=Kind.choices)
    # The change, by kind (projects/changes.py): budget {"from", "to", "amount"} (yuan); extension {"from",
    # "ends_on"}; indicator {"code", "name", "from", "target"}; team {"replace", "role", "person", "name"};
    # partner {"remove", "remove_name", "add", "add_name", "contribution"} (registry.CooperationPartner ids)
    proposal = models.JSONField(_("proposed change"))
    reason = models.TextField(_("reason for the change"))
    clause = models.CharField(_("clause"), max_length=8)
    needs_second = models.BooleanField(_("needs a second officer"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED,
                             db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("first approval by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    endorsed_at = models.DateTimeField(_("first approval at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comments = models.TextField(_("officer's comments or reason for rejection"), blank=True)
    result_book = models.ForeignKey("contracts.TaskBook", verbose_name=_("task book version it made"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project", "-requested_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            # one change waits at a time: each is decided against the task book in force
            models.UniqueConstraint(fields=["project"], condition=Q(state__in=["submitted", "endorsed"]),
                                    name="change_request_one_open"),
            models.CheckConstraint(condition=~Q(state="rejected") | ~Q(comments=""),
                                   name="change_request_rejection_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN
class Acceptance(models.Model):
    """The project's acceptance (验收, M17): the organisation's file (per indicator of the signed task book, promised
    against delivered with evidence; the financial report computed from contracts; the achievements and IP), its
    formal check (rules as data, each result with its clause), the expert panel's scores on the acceptance rubric
    and the officer's verdict with the performance score. One per project; a returned file is corrected and filed
    again in the same row."""

    class State(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("acceptance state", "Applied, formal check")
        RETURNED = "returned", pgettext_lazy("acceptance state", "Returned by the formal check")
        REVIEW = "review", pgettext_lazy("acceptance state", "Under expert review")
        PASSED = "passed", pgettext_lazy("acceptance state", "Passed")
        CONDITIONAL = "conditional", pgettext_lazy("acceptance state", "Closed with conditions")
        FAILED = "failed", pgettext_lazy("acceptance state", "Failed")

    project = models.OneToOneField("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                   related_name="acceptance")
    task_book = models.ForeignKey("contracts.TaskBook", verbose_name=_("task book"), on_delete=models.PROTECT,
                                  related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.APPLIED,
                             db_index=True)
    round = models.PositiveSmallIntegerField(_("filing"), default=1)
    summary = models.TextField(_("summary of the work done"))
    achievements = models.TextField(_("achievements"), blank=True)
    ip_produced = models.TextField(_("intellectual property produced"), blank=True)
    links = models.TextField(_("links to the results"), blank=True)
    # computed from contracts when filed: {"budget": {category: yuan}, "spent": {category: yuan}, "grant": yuan,
    # "paid": yuan, "spent_total": yuan, "unspent": yuan}, amounts as strings
    financial = models.JSONField(_("financial report"), default=dict, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT,
                                   related_name="+")
    applied_at = models.DateTimeField(_("applied at"))
    check_comments = models.TextField(_("formal check comments"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    score = models.DecimalField(_("performance score"), max_digits=5, decimal_places=2, null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    verdict_reason = models.TextField(_("reason for the verdict"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    pdf = models.BinaryField(_("verdict PDF"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        constraints = [
            models.CheckConstraint(condition=~Q(state="conditional") | ~Q(conditions=""),
                                   name="acceptance_conditional_has_conditions"),
            models.CheckConstraint(condition=~Q(state="failed") | ~Q(verdict_reason=""),
                                   name="acceptance_failed_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} {self.get_state_display()}"

    @property
    def decided(self) -> bool:
        return self.state in (self.State.PASSED, self.State.CONDITIONAL, self.State.FAILED)


class AcceptanceIndicator(models.Model):
    """One indicator of the signed task book: the target promised, the value delivered and its evidence."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey("contracts.TaskBookIndicator", verbose_name=_("indicator"),
                                  on_delete=models.PROTECT, related_name="+")
    promised = models.DecimalField(_("promised"), max_digits=16, decimal_places=2)
    delivered = models.DecimalField(_("delivered"), max_digits=16, decimal_places=2)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["acceptance", "indicator__pk"]
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "indicator"], name="acceptance_indicator_once"),
            models.CheckConstraint(condition=Q(delivered__gte=0), name="acceptance_delivered_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.delivered}/{self.promised}"

    @property
    def met(self) -> bool:
        return self.delivered >= self.promised

    @property
    def rate(self) -> int:
        """The completion rate in percent (above 100 when the target was exceeded)."""
        if not self.promised:
            return 100
        return int(self.delivered * 100 / self.promised)


class AcceptanceCheckResult(models.Model):
    """One formal-check rule's verdict on one filing of the acceptance file, with its clause and explanation."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="check_results")
    round = models.PositiveSmallIntegerField(_("filing"))
    code = models.CharField(_("rule"), max_length=40)
    clause_code = models.CharField(_("clause"), max_length=8)
    passed = models.BooleanField(_("passed"))
    explanation_zh = models.TextField()
    explanation_en = models.TextField()

    class Meta:
        ordering = ["acceptance", "-round", "pk"]
        constraints = [models.UniqueConstraint(fields=["acceptance", "round", "code"],
                                               name="acceptance_check_result_once")]

    def __str__(self) -> str:
        return f"{self.clause_code} {'✓' if self.passed else '✗'}"

    @property
    def explanation(self) -> str:
        from django.utils.translation import get_language
        return self.explanation_en if (get_language() or "").startswith("en") else self.explanation_zh


class AcceptanceExpert(models.Model):
    """An expert on the acceptance panel, with the scores per criterion of the acceptance rubric once given."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="experts")
    expert = models.ForeignKey("review.ExpertProfile", verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="acceptance_panels")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(_("added at"))
    # {criterion code: score}, empty until the expert submits
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        ordering = ["acceptance", "pk"]
        verbose_name = _("acceptance expert")
        verbose_name_plural = _("acceptance experts")
        constraints = [models.UniqueConstraint(fields=["acceptance", "expert"], name="acceptance_expert_once")]

    def __str__(self) -> str:
        return f"{self.acceptance_id} {self.expert_id}"

"""Projects under way (M17): the organisation's periodic progress reports against the signed task book, and the
programme office's mid-term check (中期检查).

A progress report belongs to one reporting period (projects/periods.py computes them; they are not stored) and
goes draft → submitted → accepted, or → returned with the officer's comments and → submitted again. It keeps,
per milestone of the signed task book, its status and the work done; per indicator, the value reached and the
evidence; the money spent by category up to the period's end as a snapshot taken at submission; and the problems
and risks. A mid-term check is recorded once per project, with its result.

A project can also be terminated early (终止): a Termination, decided with four eyes, fixes the money to be paid
back, which a Recovery (经费追回) tracks with its receipts.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.core.money import wan


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
    # cited from the register (M18), only the organisation's own achievements of this project
    achievements = models.ManyToManyField("outcomes.Achievement", verbose_name=_("achievements cited"), blank=True,
                                          related_name="progress_reports")

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


class ReportEvidence(models.Model):
    """An evidence file filed with a progress report (M17), checked by its content (core/uploads.py), stored under
    a generated name and served only to those who may view the project. A refiling after a return adds files; the
    earlier ones stay with the report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence_files")
    file = models.FileField(_("file"), upload_to="progress/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


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


class Termination(models.Model):
    """Ending a project early (终止, M17): asked for by its organisation or proposed by a programme officer, with
    its grounds and reason, and decided by a second officer who is never the proposer (four eyes).

    An organisation's request is reviewed by an officer, who proposes it (naming the grounds) or declines it; a
    proposal is approved or rejected by another officer. On approval the project becomes terminated, its open
    tranches are cancelled and what is to be paid back is fixed here: the unspent money (paid − spent) plus the
    misused amounts the proposer identified, never more than paid. At most one termination is open (requested or
    proposed) at a time, and at most one is approved, per project.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("termination state", "Requested by the organisation")
        PROPOSED = "proposed", pgettext_lazy("termination state", "Proposed, awaiting a second officer")
        APPROVED = "approved", pgettext_lazy("termination state", "Approved: project terminated")
        REJECTED = "rejected", pgettext_lazy("termination state", "Rejected")

    class Grounds(models.TextChoices):
        REQUEST = "request", _("At the organisation's request")
        MIDTERM = "midterm", _("Failed mid-term check")
        ACCEPTANCE = "acceptance", _("Failed acceptance")
        MISCONDUCT = "misconduct", _("Misconduct")
        OTHER = "other", _("Other grounds")

    OPEN = (State.REQUESTED, State.PROPOSED)
    # Grounds that are a failure of duty: the approving officer may record a debarment on them.
    DUTY_FAILURES = (Grounds.MIDTERM, Grounds.ACCEPTANCE, Grounds.MISCONDUCT)

    project = models.ForeignKey("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="terminations")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, db_index=True)
    grounds = models.CharField(_("grounds"), max_length=12, choices=Grounds.choices)
    reason = models.TextField(_("reason"))
    midterm_check = models.ForeignKey(MidtermCheck, verbose_name=_("mid-term check acted on"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="terminations")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # Fixed on approval (yuan): what was paid and spent then, the misused part and what is to be paid back.
    paid = models.DecimalField(_("paid (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    spent = models.DecimalField(_("spent (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    to_recover = models.DecimalField(_("to be paid back (yuan)"), max_digits=14, decimal_places=2, null=True,
                                     blank=True)
    debarments = models.ManyToManyField("registry.Debarment", verbose_name=_("debarments recorded"), blank=True,
                                        related_name="+")

    class Meta:
        ordering = ["project", "-pk"]
        verbose_name = _("termination")
        verbose_name_plural = _("terminations")
        constraints = [
            models.UniqueConstraint(fields=["project"], condition=Q(state__in=["requested", "proposed"]),
                                    name="termination_one_open_per_project"),
            models.UniqueConstraint(fields=["project"], condition=Q(state="approved"),
                                    name="termination_approved_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="termination_has_a_reason"),
            models.CheckConstraint(condition=Q(to_recover__isnull=True) | Q(to_recover__lte=models.F("paid")),
                                   name="termination_recovers_at_most_paid"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} {self.get_grounds_display()}"

    @property
    def clause(self) -> str:
        return CLAUSE_OF_GROUNDS[self.grounds]

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    @property
    def misused(self):
        return sum((line.amount for line in self.misused_lines.all()), Decimal("0"))

    @property
    def unspent(self):
        return None if self.paid is None else self.paid - self.spent


# Every ground is an execution matter of the programme (M17); the policy has no separate credit clause, so
# misconduct cites M17 too (docs/decisions.md).
CLAUSE_OF_GROUNDS = {grounds: "M17" for grounds in Termination.Grounds.values}


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
    achievements = models.TextField(_("other results not in the register"), blank=True)
    # cited from the register (M18), only the organisation's own achievements of this project
    cited_achievements = models.ManyToManyField("outcomes.Achievement", verbose_name=_("achievements cited"),
                                                blank=True, related_name="acceptances")
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



class MisusedAmount(models.Model):
    """Money the project spent but misused (挪用), identified by the proposing officer with its reason; it is
    paid back on top of the unspent money."""

    termination = models.ForeignKey(Termination, on_delete=models.CASCADE, related_name="misused_lines")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["termination", "pk"]
        verbose_name = _("misused amount")
        verbose_name_plural = _("misused amounts")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="misused_amount_positive")]

    def __str__(self) -> str:
        return f"{self.termination_id} {wan(self.amount, unit=True)}"


class Recovery(models.Model):
    """Money to be paid back (经费追回) after an approved termination: the amount, its due date and the receipts
    finance records against it. Settled when the receipts reach the amount; overdue when not settled by the due
    date. The amount is the termination's `to_recover`, copied here so that the finance list reads one table."""

    termination = models.OneToOneField(Termination, verbose_name=_("termination"), on_delete=models.PROTECT,
                                       related_name="recovery")
    project = models.ForeignKey("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="recoveries")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("recovery of funds")
        verbose_name_plural = _("recoveries of funds")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive")]

    def __str__(self) -> str:
        return f"{self.project.number} {wan(self.amount, unit=True)}"

    @property
    def received(self):
        return sum((r.amount for r in self.receipts.all()), Decimal("0"))

    @property
    def outstanding(self):
        return self.amount - self.received

    def overdue_on(self, today) -> bool:
        return self.settled_on is None and self.due_on < today


class RecoveryReceipt(models.Model):
    """Money received back against a recovery: amount, date and the bank's reference. Append-only: never changed
    or deleted; together they never exceed the recovery's amount."""

    recovery = models.ForeignKey(Recovery, verbose_name=_("recovery"), on_delete=models.PROTECT,
                                 related_name="receipts")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    bank_reference = models.CharField(_("bank reference"), max_length=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["recovery", "received_on", "pk"]
        verbose_name = _("recovery receipt")
        verbose_name_plural = _("recovery receipts")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_receipt_positive"),
            models.CheckConstraint(condition=~Q(bank_reference=""), name="recovery_receipt_has_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.recovery_id} {wan(self.amount, unit=True)} {self.bank_reference}"

"""Funding decisions (M17, M20): the projects approved for funding (立项) and where their money comes from."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.core.models import TimeStampedModel


class Project(TimeStampedModel):
    """An application approved for funding (立项, M17): what the task book, the money and later execution hang on."""

    class State(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("project state", "Approved")  # 已立项: waiting for its signed task book
        UNDER_WAY = "under_way", _("Under way")  # 执行中: its task book is signed
        ACCEPTED = "accepted", pgettext_lazy("project state", "Accepted")  # 已验收: 通过验收 or 结题 (projects app)
        FAILED = "failed", _("Failed acceptance")  # 不通过验收: waits for termination and recovery
        TERMINATED = "terminated", _("Terminated")  # 已终止: ended early, on request or by decision

    application = models.OneToOneField("applications.Application", verbose_name=_("application"),
                                       on_delete=models.PROTECT, related_name="project")
    call = models.ForeignKey("calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="projects")
    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="projects")
    lead = models.ForeignKey("registry.Person", verbose_name=_("project lead"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="led_projects")
    number = models.CharField(_("project number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    grant = models.DecimalField(_("grant (yuan)"), max_digits=14, decimal_places=2)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.APPROVED, db_index=True)
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["number"]
        verbose_name = _("project")
        verbose_name_plural = pgettext_lazy("funding", "projects")

    def __str__(self):
        return f"{self.number} {self.title}"


class ProjectFunding(models.Model):
    """One source of a project's money (M17, M20): government grant lines and co-funding lines."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="funding_lines")
    source = models.ForeignKey("policy.FundingSource", verbose_name=_("funding source"), on_delete=models.PROTECT)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["project", "source__order", "pk"]
        verbose_name = _("project funding line")
        verbose_name_plural = _("project funding lines")

    def __str__(self):
        return f"{self.project.number} {self.source} {self.amount}"


class FundingPlan(TimeStampedModel):
    """A call's funding plan (资助方案, M17): who is funded with how much, from the frozen ranking of its panel.

    Drafted and proposed by one officer, confirmed by the call's co-owning departments, approved by another
    officer (four eyes); approval publishes it for public notice (公示); after the notice the officer approves the
    projects (立项)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", pgettext_lazy("funding plan state", "Proposed")
        NOTICE = "notice", _("In public notice")
        DECIDED = "decided", _("Projects approved")

    call = models.OneToOneField("calls.Call", verbose_name=_("call"), on_delete=models.PROTECT,
                                related_name="funding_plan")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    notice_days = models.PositiveSmallIntegerField(_("notice period (working days)"), default=5,
                                                   validators=[MinValueValidator(1), MaxValueValidator(30)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_reason = models.TextField(_("reason for approval"), blank=True)
    notice_starts_at = models.DateTimeField(_("notice starts"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("notice ends"), null=True, blank=True)
    notice_fallback = models.BooleanField(_("notice counted Monday to Friday"), default=False,
                                          help_text=_("The holiday calendar did not know a year of the period."))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("projects approved by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("projects approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("funding plan")
        verbose_name_plural = _("funding plans")

    def __str__(self):
        return self.call.code


class PlanLine(models.Model):
    """One ranked application in a plan: its request, the grant proposed and, for a cut, the reason."""

    plan = models.ForeignKey(FundingPlan, verbose_name=_("funding plan"), on_delete=models.CASCADE,
                             related_name="lines")
    application = models.ForeignKey("applications.Application", verbose_name=_("application"),
                                    on_delete=models.PROTECT, related_name="plan_lines")
    rank = models.PositiveIntegerField(_("rank"))
    final_score = models.DecimalField(_("final score"), max_digits=7, decimal_places=3, default=Decimal("0"))
    requested = models.DecimalField(_("requested (yuan)"), max_digits=14, decimal_places=2)
    grant = models.DecimalField(_("grant (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                validators=[MinValueValidator(Decimal("0"))])
    cut_reason = models.TextField(_("reason for the cut"), blank=True)
    withdrawn = models.BooleanField(_("withdrawn from the plan"), default=False)
    withdrawn_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        ordering = ["plan", "rank", "pk"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        constraints = [
            models.UniqueConstraint(fields=["plan", "application"], name="plan_line_once"),
            models.CheckConstraint(condition=Q(grant__gte=0), name="plan_line_grant_not_negative"),
        ]

    def __str__(self):
        return str(self.application)

    @property
    def funded(self) -> bool:
        return self.grant > 0 and not self.withdrawn

    @property
    def is_cut(self) -> bool:
        return 0 < self.grant < self.requested


class CoFunding(models.Model):
    """Money from another source committed to a plan line (配套资金, M17, M20), with its provider."""

    line = models.ForeignKey(PlanLine, verbose_name=_("plan line"), on_delete=models.CASCADE,
                             related_name="cofunding")
    source = models.ForeignKey("policy.FundingSource", verbose_name=_("funding source"), on_delete=models.PROTECT)
    provider = models.CharField(_("provider"), max_length=200)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["line", "source__order", "pk"]
        verbose_name = _("co-funding")
        verbose_name_plural = _("co-funding")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="cofunding_amount_positive")]

    def __str__(self):
        return f"{self.line_id} {self.source_id} {self.amount}"


class Confirmation(models.Model):
    """A co-owning department's confirmation of its part of a proposed plan (M05, M17)."""

    plan = models.ForeignKey(FundingPlan, verbose_name=_("funding plan"), on_delete=models.CASCADE,
                             related_name="confirmations")
    department = models.ForeignKey("policy.Department", verbose_name=_("department"), on_delete=models.PROTECT)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"),
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["plan", "confirmed_at", "pk"]
        verbose_name = _("department confirmation")
        verbose_name_plural = _("department confirmations")
        constraints = [models.UniqueConstraint(fields=["plan", "department"], name="plan_confirmed_once")]

    def __str__(self):
        return f"{self.plan_id} {self.department_id}"


class Objection(models.Model):
    """An objection lodged by anyone during the public notice (异议), and how the officer handled it."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")

    plan = models.ForeignKey(FundingPlan, verbose_name=_("funding plan"), on_delete=models.PROTECT,
                             related_name="objections")
    line = models.ForeignKey(PlanLine, verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="objections")
    name = models.CharField(_("objector's name"), max_length=100, blank=True)
    contact = models.CharField(_("contact"), max_length=200)
    text = models.TextField(_("objection"))
    lodged_at = models.DateTimeField(_("lodged at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    handling = models.TextField(_("how it was handled"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    # Whoever objects is a member of the public (PIPL): tokens in the audit trail, erasable on request
    # (core/personal.py).
    personal_fields = ("name", "contact")

    class Meta:
        ordering = ["plan", "lodged_at", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return f"{self.plan.call.code} {timezone.localtime(self.lodged_at):%Y-%m-%d %H:%M}"

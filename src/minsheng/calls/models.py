"""Programmes and calls (M17) with topics, rubric and eligibility rules."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minsheng.core.models import TimeStampedModel
from minsheng.policy.models import Department, Domain, FocusDirection, FundingMode, FundingSource, SupportType

MONEY = {"max_digits": 14, "decimal_places": 2}


STABLE_SUPPORT = "stable"   # the SupportType code of stable support (M17)


class Programme(TimeStampedModel):
    """A year's money from one source (计划 / 专项), split into calls."""

    year = models.PositiveSmallIntegerField(_("year"))
    source = models.ForeignKey(FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT,
                               related_name="programmes")
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget envelope (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-year", "name_zh"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [models.UniqueConstraint(fields=["year", "name_zh"], name="programme_unique_name_per_year")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name_zh

    @property
    def full_name(self) -> str:
        """The name with its year in front, unless the name already says it (“2026年…” is not “2026 2026年…”)."""
        name = self.name
        return name if str(self.year) in name else f"{self.year} {name}"


class Call(TimeStampedModel):
    """An invitation to apply (申报指南), co-owned with partner departments (M05), funded under M17."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Awaiting approval")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT,
                                  related_name="calls")
    code = models.CharField(_("call number"), max_length=30, unique=True)
    title_zh = models.CharField(_("Chinese title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    domains = models.ManyToManyField(Domain, verbose_name=_("domains"), related_name="calls")
    focus_directions = models.ManyToManyField(FocusDirection, verbose_name=_("focus directions"), blank=True,
                                              related_name="calls")
    funding_mode = models.ForeignKey(FundingMode, verbose_name=_("funding mode"), on_delete=models.PROTECT)
    support_type = models.ForeignKey(SupportType, verbose_name=_("support type"), on_delete=models.PROTECT)
    budget = models.DecimalField(_("budget envelope (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    max_grant = models.DecimalField(_("maximum grant (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    cofunding_ratio = models.DecimalField(
        _("required own/co-funding share (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Non-city money as a share of the total budget (M17, M20)"))
    allow_partial_funding = models.BooleanField(
        _("partial funding allowed"), default=True,
        help_text=_("Whether the funding plan may grant an application less than it requests (M17)."))
    reviewers_per_proposal = models.PositiveSmallIntegerField(_("reviewers per proposal"), default=5,
                                                              validators=[MinValueValidator(1)])
    avoid_same_district = models.BooleanField(
        _("experts from the applicant's district must not review"), default=False,
        help_text=_("A conflict of interest when the expert's organisation is in the applicant's district"))
    # How often a funded project reports its progress, and whether it has a mid-term check (M17)
    report_every_months = models.PositiveSmallIntegerField(
        _("progress report every (months)"), default=6, validators=[MaxValueValidator(24)],
        help_text=_("How often a funded project files a progress report (M17); 0 means no periodic report."))
    midterm_check = models.BooleanField(
        _("mid-term check"), default=False,
        help_text=_("Whether the programme office holds a mid-term check of each funded project (M17); the "
                    "mid-term tranche is then requested on a passed check."))
    early_acceptance = models.BooleanField(
        _("early acceptance"), default=False,
        help_text=_("Whether a funded project may apply for acceptance before the last milestone of its task book "
                    "is due (M17)."))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    review_ends_at = models.DateTimeField(_("review ends"))
    notice_at = models.DateTimeField(_("public notice"))
    co_owners = models.ManyToManyField(Department, verbose_name=_("co-owning departments"), blank=True,
                                       related_name="co_owned_calls")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT,
                                   related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="call_opens_before_close"),
            models.CheckConstraint(condition=Q(closes_at__lte=models.F("review_ends_at")),
                                   name="call_closes_before_review_ends"),
            models.CheckConstraint(condition=Q(max_grant__lte=models.F("budget")), name="call_max_grant_within_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "").startswith("en") and self.title_en else self.title_zh

    @property
    def is_stable_support(self) -> bool:
        """Stable support (稳定支持, M17) is not selected by competitive review: no rubric, no ranking."""
        return self.support_type.code == STABLE_SUPPORT


class Topic(models.Model):
    """One subject inside a call (指南方向), often answering reported problems."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    problems = models.ManyToManyField("problems.Problem", verbose_name=_("problems answered"), blank=True,
                                      related_name="topics")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title


class RubricCriterion(models.Model):
    """A review criterion with its weight and score scale (评审指标)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria")
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))])
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [models.CheckConstraint(condition=Q(scale_min__lt=models.F("scale_max")),
                                              name="criterion_scale_ordered")]

    def __str__(self) -> str:
        return self.name_zh


class CallRule(models.Model):
    """A rule template chosen for a call, with its parameters (eligibility or priority)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="rules")
    template = models.ForeignKey("policy.RuleTemplate", verbose_name=_("rule"), on_delete=models.PROTECT,
                                 related_name="call_rules")
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("call rule")
        verbose_name_plural = _("call rules")

    def __str__(self) -> str:
        return f"{self.call.code} {self.template}"

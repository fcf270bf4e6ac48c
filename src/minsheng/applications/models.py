"""Applications (申报) and their formal check (形式审查)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from minsheng.calls.models import MONEY, Call, CallRule, Topic
from minsheng.core.models import TimeStampedModel
from minsheng.outcomes.models import IPAsset
from minsheng.policy.models import Domain, FocusDirection, FundingSource
from minsheng.registry.models import CooperationPartner, Organisation, Person


class Application(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_CHECK = "in_check", _("In formal check")
        RETURNED = "returned", _("Returned for correction")
        PASSED = "passed", _("Passed the formal check")
        REJECTED = "rejected", pgettext_lazy("application state", "Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications")
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="applications")
    organisation = models.ForeignKey(Organisation, verbose_name=_("applicant organisation"),
                                     on_delete=models.PROTECT, related_name="applications")
    lead = models.ForeignKey(Person, verbose_name=_("project lead"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="led_applications")
    number = models.CharField(_("application number"), max_length=30, unique=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    # Raised by every save; a save that names an older version is refused (two tabs, two colleagues).
    version = models.PositiveIntegerField(_("version"), default=1)

    title = models.CharField(_("project title"), max_length=200, blank=True)
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="applications")
    focus_direction = models.ForeignKey(FocusDirection, verbose_name=_("focus direction"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="applications")
    summary = models.TextField(_("summary"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    technical_route = models.TextField(_("technical route"), blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)

    expected_patents = models.PositiveIntegerField(_("invention patents to file"), default=0)
    expected_standards = models.PositiveIntegerField(_("standards"), default=0)
    expected_products = models.PositiveIntegerField(_("new products"), default=0)
    expected_sites = models.PositiveIntegerField(_("demonstration sites"), default=0)
    expected_people_served = models.PositiveIntegerField(_("people served"), default=0)
    expected_revenue = models.DecimalField(_("revenue (yuan)"), **MONEY, default=Decimal("0"),
                                           validators=[MinValueValidator(Decimal("0"))])

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    correction_deadline = models.DateTimeField(_("correction deadline"), null=True, blank=True)
    state_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["call", "state"], name="application_call_state_idx"),
                   # The lists and the API read the most recently changed first, a page at a time.
                   models.Index(fields=["-updated_at", "-id"], name="application_recent_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TeamMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Project lead")
        CORE = "core", _("Core member")
        MEMBER = "member", _("Member")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="team_roles")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    task = models.CharField(_("task in the project"), max_length=200, blank=True)
    time_share = models.PositiveSmallIntegerField(_("time share (%)"), default=20,
                                                  validators=[MinValueValidator(1), MaxValueValidator(100)])

    class Meta:
        ordering = ["application", "role", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["application", "person"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class BudgetLine(models.Model):
    """Expenditure by category. Totals must agree with the funding lines."""

    class Category(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment")
        MATERIALS = "materials", _("Materials")
        TESTING = "testing", _("Testing and processing")
        FUEL = "fuel", _("Fuel and power")
        TRAVEL = "travel", _("Travel, conferences and international cooperation")
        PUBLICATION = "publication", _("Publication, documentation and IP")
        LABOUR = "labour", _("Labour")
        CONSULTING = "consulting", _("Expert consulting")
        INDIRECT = "indirect", _("Indirect costs")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField(_("explanation"), max_length=300, blank=True)

    class Meta:
        ordering = ["application", "category"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [models.UniqueConstraint(fields=["application", "category"], name="budget_category_once")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class FundingLine(models.Model):
    """Money by source: the city grant requested, the applicant's own money, co-funding (M17, M20)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="funding_lines")
    source = models.ForeignKey(FundingSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["application", "source__order"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [models.UniqueConstraint(fields=["application", "source"], name="funding_source_once")]

    def __str__(self) -> str:
        return f"{self.source} {self.amount}"


class IPClaim(models.Model):
    """IP the organisation holds (from its IP assets) or promises to create (M19)."""

    class Kind(models.TextChoices):
        HELD = "held", _("Held")
        PROMISED = "promised", _("Promised")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="ip_claims")
    kind = models.CharField(_("held or promised"), max_length=10, choices=Kind.choices)
    asset = models.ForeignKey(IPAsset, verbose_name=_("IP asset"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="claims")
    ip_kind = models.CharField(_("IP kind"), max_length=30, choices=IPAsset.Kind.choices, blank=True)
    count = models.PositiveSmallIntegerField(_("number promised"), default=1)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["application", "kind", "pk"]
        verbose_name = _("IP claim")
        verbose_name_plural = _("IP claims")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.asset or self.description}"


class ApplicationPartner(models.Model):
    """A cooperation partner on the application (M22)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    partner = models.ForeignKey(CooperationPartner, verbose_name=_("partner"), on_delete=models.PROTECT,
                                related_name="applications")
    contribution = models.CharField(_("contribution"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("application partner")
        verbose_name_plural = _("application partners")
        constraints = [models.UniqueConstraint(fields=["application", "partner"], name="application_partner_once")]

    def __str__(self) -> str:
        return str(self.partner)


class Milestone(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    deliverable = models.CharField(_("deliverable"), max_length=300, blank=True)

    class Meta:
        ordering = ["application", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.due_on} {self.title}"


class Attachment(models.Model):
    """A file checked by its content, stored under a generated name, served only through a checked view."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("Business licence")
        COMMITMENT = "commitment", _("Letter of commitment")
        COFUNDING = "cofunding", _("Co-funding proof")
        PARTNER = "partner", _("Cooperation agreement")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to="applications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class RuleResult(models.Model):
    """One rule's verdict on one submission, with its explanation citing the clause."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rule_results")
    rule = models.ForeignKey(CallRule, on_delete=models.PROTECT, related_name="results")
    round = models.PositiveSmallIntegerField(_("submission round"), default=1)
    passed = models.BooleanField(_("passed"))
    clause_code = models.CharField(_("clause"), max_length=8)
    explanation_zh = models.TextField()
    explanation_en = models.TextField()
    bonus = models.DecimalField(_("priority bonus"), max_digits=6, decimal_places=2, default=Decimal("0"))
    facts = models.JSONField(default=dict, blank=True)
    evaluated_at = models.DateTimeField(auto_now_add=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    override_reason = models.TextField(_("override reason"), blank=True)

    class Meta:
        ordering = ["application", "-round", "rule__order"]
        verbose_name = _("rule result")
        verbose_name_plural = _("rule results")
        constraints = [models.UniqueConstraint(fields=["application", "rule", "round"], name="rule_result_once")]

    def __str__(self) -> str:
        return f"{self.clause_code} {'✓' if self.passed else '✗'}"

    @property
    def explanation(self) -> str:
        """The explanation in the active language."""
        return self.explanation_en if (get_language() or "").startswith("en") else self.explanation_zh


class Comment(models.Model):
    """A co-owning department's comment on an application (M05)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:40]

"""The policy as data: clauses M01–M24, domains, departments, districts and funding vocabularies.

The defaults ship as a data migration (0002, with 0003 for the later fields) from data/policy_defaults.json,
which scripts/extract_policy.py builds from ../shared/policy; all of it is editable in admin.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from minsheng.core.models import BilingualNameMixin


class PolicyVersion(models.Model):
    code = models.CharField(_("document number"), max_length=60, unique=True)
    title_zh = models.CharField(_("Chinese title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    preamble_zh = models.TextField(_("preamble (Chinese)"), blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "").startswith("en") and self.title_en else self.title_zh


class Clause(models.Model):
    class Part(models.TextChoices):
        FOUNDATION = "I", _("I. Foundational capacity")
        PROGRAMME = "II", _("II. The S&T-for-the-people programme")
        SAFEGUARDS = "III", _("III. Safeguards")

    version = models.ForeignKey(PolicyVersion, verbose_name=_("policy version"), on_delete=models.PROTECT,
                                related_name="clauses")
    code = models.CharField(_("clause id"), max_length=8)
    number = models.PositiveSmallIntegerField(_("number in the notice"))
    part = models.CharField(_("part"), max_length=3, choices=Part.choices)
    title_zh = models.CharField(_("Chinese title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200)
    text_zh = models.TextField(_("full Chinese text"))
    asks_en = models.TextField(_("what it asks"), blank=True)
    platform_zh = models.TextField(_("what the platform does (Chinese)"), blank=True)
    platform_en = models.TextField(_("what the platform does (English)"), blank=True)

    class Meta:
        ordering = ["version", "number"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="clause_unique_per_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("policy:clause_detail", args=[self.code])

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "").startswith("en") else self.title_zh

    @property
    def platform(self) -> str:
        return self.platform_en if (get_language() or "").startswith("en") else self.platform_zh


class Department(BilingualNameMixin):
    code = models.CharField(_("code"), max_length=20, unique=True)
    is_coordinator = models.BooleanField(_("coordinates the programme"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class District(BilingualNameMixin):
    code = models.CharField(_("code"), max_length=20, unique=True)
    division_code = models.CharField(_("administrative division code"), max_length=6, blank=True)
    note_zh = models.TextField(_("note (Chinese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    @property
    def note(self) -> str:
        return self.note_en if (get_language() or "").startswith("en") and self.note_en else self.note_zh


class Domain(BilingualNameMixin):
    code = models.CharField(_("code"), max_length=8, unique=True)
    clause_code = models.CharField(_("clause"), max_length=8)
    lead_department = models.ForeignKey(Department, verbose_name=_("lead department"), on_delete=models.PROTECT,
                                        related_name="led_domains")

    class Meta:
        ordering = ["code"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FocusDirection(BilingualNameMixin):
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.CASCADE,
                               related_name="focus_directions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["domain", "order"]
        verbose_name = _("focus direction")
        verbose_name_plural = _("focus directions")


class FundingMode(BilingualNameMixin):
    code = models.CharField(_("code"), max_length=20, unique=True)
    clause_code = models.CharField(_("clause"), max_length=8)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("funding mode")
        verbose_name_plural = _("funding modes")


class SupportType(BilingualNameMixin):
    code = models.CharField(_("code"), max_length=20, unique=True)
    clause_code = models.CharField(_("clause"), max_length=8)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("support type")
        verbose_name_plural = _("support types")


class FundingSource(BilingualNameMixin):
    code = models.CharField(_("code"), max_length=20, unique=True)
    is_government = models.BooleanField(
        _("government money"), help_text=_("Counts as government money in the leverage ratio (M20)."))
    clause_code = models.CharField(_("clause"), max_length=8)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")


class RuleTemplate(BilingualNameMixin):
    """A kind of call rule: the clause it implements, its parameters and how it explains itself.

    The test itself is a pure function in minsheng.applications.eligibility, found by `code`; this row is the
    editable half: wording, clause, parameter schema, whether calls may pick it. A call chooses templates and
    sets their parameters (calls.CallRule).
    """

    class Kind(models.TextChoices):
        ELIGIBILITY = "eligibility", _("Eligibility (must pass)")
        PRIORITY = "priority", _("Priority (adds a bonus)")

    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ELIGIBILITY)
    clause_code = models.CharField(_("clause"), max_length=8)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # JSON Schema (draft 2020-12) of the parameters a call sets; the edit page builds its fields from it.
    params_schema = models.JSONField(_("parameter schema"), default=dict, blank=True)
    # str.format templates over the rule's parameters and the facts the evaluator found.
    pass_zh = models.TextField(_("explanation when passed (Chinese)"))
    pass_en = models.TextField(_("explanation when passed (English)"))
    fail_zh = models.TextField(_("explanation when failed (Chinese)"))
    fail_en = models.TextField(_("explanation when failed (English)"))
    is_active = models.BooleanField(_("calls may choose it"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("rule template")
        verbose_name_plural = _("rule templates")

    def __str__(self) -> str:
        return f"{self.clause_code} {self.name}"

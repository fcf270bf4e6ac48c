"""Task books (任务书) and disbursements (拨付) of a funded project (M17).

A task book is versioned: version 1 is generated from the approved application when the officer issues it;
a later change starts the next version from the signed one. Each version goes draft → confirmed by the
applicant → signed by the officer, who freezes it as a PDF (bytes and sha256 kept); the version signed before
it becomes superseded. The disbursement tranches are planned from the split of the first signed version and
each goes planned → requested (officer) → approved (finance, never the requester) → paid; finance may return a
request to the officer with a reason (requested → planned), and the officer may request it again. The money the
project spends is recorded as expenditures (经费支出) by budget category, append-only.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.applications.models import BudgetLine
from minsheng.calls.models import MONEY
from minsheng.policy.models import FundingSource


class TaskBook(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("task book state", "Draft")
        CONFIRMED = "confirmed", _("Confirmed by the applicant")
        SIGNED = "signed", _("Signed")
        SUPERSEDED = "superseded", _("Superseded by a later version")

    project = models.ForeignKey("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="task_books")
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    # Raised by every change of the content; a confirmation naming an older revision is refused.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    change_reason = models.TextField(_("reason for the new version"), blank=True)

    title = models.CharField(_("project title"), max_length=200)
    objectives = models.TextField(_("objectives"), blank=True)
    technical_route = models.TextField(_("technical route"), blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    grant = models.DecimalField(_("government grant (yuan)"), **MONEY)
    # [{"name": ..., "role": ..., "task": ..., "time_share": ...}], copied from the application
    team = models.JSONField(_("team"), default=list, blank=True)
    # [{"partner": registry.CooperationPartner id, "name": ..., "region": ..., "contribution": ...}], copied from
    # the application's cooperation partners (M22)
    partners = models.JSONField(_("cooperation partners"), default=list, blank=True)
    # [{"kind": "held"|"promised", "ip_kind": ..., "text": ...}], copied from the application (M19)
    ip_claims = models.JSONField(_("IP claims"), default=list, blank=True)
    ip_clause = models.TextField(_("IP clause"))
    data_clause = models.TextField(_("data clause"))
    # [{"condition": "signing"|"midterm"|"acceptance", "percent": 50}, ...]: the tranches of the grant
    split = models.JSONField(_("disbursement split"), default=list)

    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issuing officer"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("countersigned by"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    pdf = models.BinaryField(_("signed PDF"), null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("PDF sha256"), max_length=64, blank=True)

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("task book")
        verbose_name_plural = _("task books")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="task_book_version_once"),
            # at most one version is being prepared at a time
            models.UniqueConstraint(fields=["project"], condition=Q(state__in=["draft", "confirmed"]),
                                    name="task_book_one_open_version"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} v{self.number}"


class TaskBookIndicator(models.Model):
    """An indicator with its target value (patents, standards, products, sites, people served, revenue)."""

    task_book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("indicator"), max_length=100)
    target = models.DecimalField(_("target value"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        ordering = ["task_book", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["task_book", "code"], name="task_book_indicator_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.target}"


class TaskBookMilestone(models.Model):
    task_book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    deliverable = models.CharField(_("deliverable"), max_length=300, blank=True)

    class Meta:
        ordering = ["task_book", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.due_on} {self.title}"


class TaskBookBudgetLine(models.Model):
    """Expenditure by category, in yuan; the lines add up to the funding lines' total."""

    task_book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=BudgetLine.Category.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    requested = models.DecimalField(_("requested (yuan)"), **MONEY, default=Decimal("0"))

    class Meta:
        ordering = ["task_book", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [models.UniqueConstraint(fields=["task_book", "category"],
                                               name="task_book_budget_category_once")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount}"


class TaskBookFundingLine(models.Model):
    """The approved money by source (from the project's funding lines, M17/M20)."""

    task_book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="funding_lines")
    source = models.ForeignKey(FundingSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    class Meta:
        ordering = ["task_book", "source__order", "pk"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")

    def __str__(self) -> str:
        return f"{self.source} {self.amount}"


class Tranche(models.Model):
    """One disbursement (拨付) of the grant, tied to a stage of the project."""

    class Condition(models.TextChoices):
        SIGNING = "signing", _("On signing the task book")
        MIDTERM = "midterm", _("After the mid-term check")
        ACCEPTANCE = "acceptance", _("After acceptance")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="tranches")
    task_book = models.ForeignKey(TaskBook, verbose_name=_("task book"), on_delete=models.PROTECT,
                                  related_name="tranches")
    order = models.PositiveSmallIntegerField(_("tranche"))
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices)
    percent = models.PositiveSmallIntegerField(_("share of the grant (%)"),
                                               validators=[MinValueValidator(1), MaxValueValidator(100)])
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED,
                             db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    request_note = models.TextField(_("basis of the request"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    paid_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("payment recorded by"),
                                         null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The last time finance sent a request back to the officer; kept when the officer requests again.
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("returned by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for the return"), blank=True)

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("disbursement tranche")
        verbose_name_plural = _("disbursement tranches")
        constraints = [models.UniqueConstraint(fields=["project", "order"], name="tranche_order_once")]

    def __str__(self) -> str:
        return f"{self.project.number} #{self.order}"


class Expenditure(models.Model):
    """Money a project spent (经费支出), by budget category, in yuan, with its date, description and voucher.

    The rule, checked by services.record_expenditure under the project's row lock (so two records at once queue
    and the second sees the first), with the arithmetic in money.spending_problem:
    - a project spends only money it has received: at every moment the sum of its records is at most the sum of
      its paid tranches (the government grant paid out; the organisation's own and co-funding money is not
      accounted for here);
    - only in a category of the budget of the task book in force, and never beyond that category's amount;
    - dated on or after the project's first payment and never in the future.

    Records are never changed or deleted (append-only money): a wrong one is cancelled by a reversing record
    (冲销) of the opposite amount in the same category, which names the record it reverses (at most one reversal
    per record, never a reversal of a reversal), and the right one is then recorded anew.
    """

    project = models.ForeignKey("funding.Project", verbose_name=_("project"), on_delete=models.PROTECT,
                                related_name="expenditures")
    category = models.CharField(_("category"), max_length=20, choices=BudgetLine.Category.choices)
    # positive for money spent, negative for a reversal
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("spent on"), max_length=300)
    voucher = models.CharField(_("voucher reference"), max_length=60, blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversal")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["project", "spent_on", "pk"]
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0)),
                name="expenditure_spent_positive_reversal_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.number} {self.spent_on} {self.voucher}".strip()

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

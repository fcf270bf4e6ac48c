"""Livelihood problems (需求征集, M05) and the public steps their submitters see."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.core.models import TimeStampedModel
from minsheng.policy.models import Department, District, Domain


class Problem(TimeStampedModel):
    """A livelihood problem reported by the public or a department (需求征集, M05)."""

    class Source(models.TextChoices):
        PUBLIC = "public", _("Public")
        DEPARTMENT = "department", _("Department")

    class State(models.TextChoices):
        NEW = "new", _("Received")
        ACCEPTED = "accepted", pgettext_lazy("problem state", "Accepted")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Not taken up")
        TOPIC = "topic", _("Became a call topic")

    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="problems")
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="problems")
    affected = models.CharField(_("who is affected"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.PUBLIC)
    department = models.ForeignKey(Department, verbose_name=_("reporting department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="problems")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    contact_name = models.CharField(_("contact name"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW, db_index=True)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_problems")
    state_reason = models.TextField(_("reason"), blank=True)
    # jieba-segmented title and description, for similarity suggestions and full-text search
    search_tokens = models.TextField(blank=True, editable=False)

    # The submitter's contact details (PIPL): tokens in the audit trail, erasable on request (core/personal.py).
    personal_fields = ("contact_name", "contact_phone", "contact_email")
    # Its records made before it moved from calls (core/labels.py); its action codes keep this prefix.
    former_label = "calls.problem"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("livelihood problem")
        verbose_name_plural = _("livelihood problems")
        db_table = "calls_problem"   # the table it had in calls, kept when the model moved

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"


class ProblemStep(models.Model):
    """What the submitter sees on the tracking page: each step in public words, no internal detail."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(_("state"), max_length=10, choices=Problem.State.choices)
    note = models.TextField(_("public note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    former_label = "calls.problemstep"   # core/labels.py

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("problem step")
        verbose_name_plural = _("problem steps")
        db_table = "calls_problemstep"

    def __str__(self) -> str:
        return f"{self.problem_id} {self.state}"

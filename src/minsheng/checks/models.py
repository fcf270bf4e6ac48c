"""The formal check (形式审查): the officer's decisions on submitted applications."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.applications.models import Application


class CheckDecision(models.Model):
    """The officer's formal-check decision: pass, return for correction, or reject."""

    class Decision(models.TextChoices):
        PASS = "pass", _("Pass")
        RETURN = "return", _("Return for correction")
        REJECT = "reject", pgettext_lazy("formal check decision", "Reject")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="check_decisions")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    deadline = models.DateTimeField(_("correction deadline"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    former_label = "applications.checkdecision"   # its records made before it moved (core/labels.py)

    class Meta:
        ordering = ["application", "-decided_at"]
        verbose_name = _("formal-check decision")
        verbose_name_plural = _("formal-check decisions")
        db_table = "applications_checkdecision"   # the table it had in applications, kept when the model moved
        # The API's list reads the latest decisions first, a page at a time.
        indexes = [models.Index(fields=["-decided_at", "-id"], name="checkdecision_recent_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.decision}"

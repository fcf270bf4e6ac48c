"""Funding decisions (M17, M20): the projects approved for funding (立项) and where their money comes from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.core.models import TimeStampedModel


class Project(TimeStampedModel):
    """An application approved for funding (立项, M17): what the task book, the money and later execution hang on."""

    class State(models.TextChoices):
        APPROVED = "approved", _("Approved")  # 已立项: waiting for its signed task book
        UNDER_WAY = "under_way", _("Under way")  # 执行中: its task book is signed

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
        verbose_name_plural = _("projects")

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

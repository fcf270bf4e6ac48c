"""Achievements and intellectual property (M18, M19). IP assets come first: applications cite the IP an
organisation holds, and the M19 eligibility rule counts it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.core.models import TimeStampedModel
from minsheng.policy.models import Domain
from minsheng.registry.models import Organisation


class IPAsset(TimeStampedModel):
    class Kind(models.TextChoices):
        INVENTION_PATENT = "invention_patent", _("Invention patent")
        UTILITY_MODEL = "utility_model", _("Utility model patent")
        DESIGN = "design", _("Design patent")
        SOFTWARE_COPYRIGHT = "software_copyright", _("Software copyright")
        STANDARD = "standard", _("Standard")
        PLANT_VARIETY = "plant_variety", _("New plant variety")
        IC_LAYOUT = "ic_layout", _("Integrated circuit layout design")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        GRANTED = "granted", _("Granted")
        LAPSED = "lapsed", _("Lapsed")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=60, help_text=_("Application, patent or registration number"))
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="ip_assets")
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="ip_assets")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.FILED)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    next_fee_due = models.DateField(_("next annual fee due"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_on", "title"]
        verbose_name = _("IP asset")
        verbose_name_plural = _("IP assets")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="ip_asset_unique_number")]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"

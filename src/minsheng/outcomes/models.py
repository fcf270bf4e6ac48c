"""Achievements and intellectual property (M18, M19). IP assets come first: applications cite the IP an
organisation holds, and the M19 eligibility rule counts it. Achievements (成果) are what funded projects produced:
patents and software copyrights are cited from the register (never typed twice), everything else carries its own
evidence. Projects are named as "funding.Project" strings: the funding app sits above this one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
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
    projects = models.ManyToManyField("funding.Project", verbose_name=_("projects"), blank=True,
                                      related_name="ip_assets",
                                      help_text=_("The funded projects that produced this right (M19)"))
    lapsed_on = models.DateField(_("lapsed on"), null=True, blank=True)
    lapse_reason = models.TextField(_("reason for the lapse"), blank=True)

    class Meta:
        ordering = ["-granted_on", "title"]
        verbose_name = _("IP asset")
        verbose_name_plural = _("IP assets")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="ip_asset_unique_number")]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"


class Achievement(TimeStampedModel):
    """One result (成果) of one or more funded projects of one organisation (M18), with its evidence, verified by
    an officer who can see those projects."""

    class Kind(models.TextChoices):
        INVENTION_PATENT = "invention_patent", _("Invention patent")
        UTILITY_MODEL = "utility_model", _("Utility model patent")
        SOFTWARE_COPYRIGHT = "software_copyright", _("Software copyright")
        STANDARD = "standard", _("Standard")
        PAPER = "paper", _("Paper")
        PRODUCT = "product", _("Product with a certificate")
        VARIETY = "variety", _("New variety")
        CLINICAL_TRIAL = "clinical_trial", _("Clinical trial or approval")
        DATASET = "dataset", _("Dataset")
        SOFTWARE = "software", _("Software")
        ADOPTED_REPORT = "adopted_report", _("Report adopted by a department")

    class Certificate(models.TextChoices):
        MEDICAL_DEVICE = "medical_device", _("Medical device registration or filing")
        DRUG = "drug", _("Drug approval")
        HEALTH_FOOD = "health_food", _("Health food registration")
        OTHER = "other", _("Other certificate")

    class State(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified")
        VERIFIED = "verified", _("Verified")

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="achievements")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    achieved_on = models.DateField(_("date"))
    projects = models.ManyToManyField("funding.Project", verbose_name=_("projects"), related_name="achievements")
    ip_asset = models.ForeignKey(IPAsset, verbose_name=_("IP asset"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="achievements")
    certificate = models.CharField(_("certificate"), max_length=20, choices=Certificate.choices, blank=True)
    identifier = models.CharField(_("number or identifier"), max_length=100, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="achievements/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("file type"), max_length=60, blank=True)
    evidence_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence file"), max_length=64, blank=True)
    state = models.CharField(_("verification"), max_length=12, choices=State.choices, default=State.UNVERIFIED,
                             db_index=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-achieved_on", "title"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [models.UniqueConstraint(fields=["ip_asset"], condition=models.Q(ip_asset__isnull=False),
                                               name="achievement_ip_asset_once")]

    def __str__(self) -> str:
        return self.title


class DemonstrationSite(TimeStampedModel):
    """A place where a funded project's result is applied (示范应用, M18 with the demonstration of M16/M17): a
    hospital, a community, a school… in a district, since a date, with its evidence, verified by an officer who can
    see its projects. The people it serves are reported per quarter (`SiteReport`)."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital or clinic")
        COMMUNITY = "community", _("Community")
        SCHOOL = "school", _("School")
        ENTERPRISE = "enterprise", _("Enterprise or factory")
        RURAL = "rural", _("Village or rural area")
        GOVERNMENT = "government", _("Government service")
        OTHER = "other", _("Other")

    State = Achievement.State

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="demonstration_sites")
    kind = models.CharField(_("kind of site"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("site name"), max_length=200)
    district = models.ForeignKey("policy.District", verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="demonstration_sites")
    address = models.CharField(_("address"), max_length=300)
    since = models.DateField(_("applied since"))
    projects = models.ManyToManyField("funding.Project", verbose_name=_("projects"),
                                      related_name="demonstration_sites")
    achievements = models.ManyToManyField(Achievement, verbose_name=_("achievements applied"), blank=True,
                                          related_name="demonstration_sites")
    description = models.TextField(_("what is applied there"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="sites/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("file type"), max_length=60, blank=True)
    evidence_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence file"), max_length=64, blank=True)
    state = models.CharField(_("verification"), max_length=12, choices=Achievement.State.choices,
                             default=Achievement.State.UNVERIFIED, db_index=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["district__order", "name"]
        verbose_name = _("demonstration site")
        verbose_name_plural = pgettext_lazy("outcomes", "demonstration sites")

    def __str__(self) -> str:
        return self.name


class SiteReport(TimeStampedModel):
    """The people a site served in one quarter, as the site reports them, with the evidence. One report per
    quarter, so periods never overlap; a figure lower than the previous quarter's carries its reason."""

    class Quarter(models.IntegerChoices):
        Q1 = 1, _("first quarter (January–March)")
        Q2 = 2, _("second quarter (April–June)")
        Q3 = 3, _("third quarter (July–September)")
        Q4 = 4, _("fourth quarter (October–December)")

    site = models.ForeignKey(DemonstrationSite, verbose_name=_("demonstration site"), on_delete=models.CASCADE,
                             related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=Quarter.choices)
    people_served = models.PositiveIntegerField(_("people served"))
    decrease_reason = models.TextField(_("reason for the decrease"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="sites/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("file type"), max_length=60, blank=True)
    evidence_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence file"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["site", "year", "quarter"]
        verbose_name = _("people served report")
        verbose_name_plural = _("people served reports")
        constraints = [
            models.UniqueConstraint(fields=["site", "year", "quarter"], name="site_report_one_per_period"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="site_report_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.period_label}"

    @property
    def period_label(self) -> str:
        return gettext("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}


class Transfer(TimeStampedModel):
    """A transfer of results (成果转化, M18): one organisation assigns, licenses, invests or applies its own
    achievements with a counterparty (a registered organisation, or one typed by name; outside the mainland, a
    cooperation partner of M22), for a contract value; the money actually received is recorded by year
    (TransferReceipt). An officer who can see every project behind the achievements verifies it; the transfer
    rate counts verified transfers only."""

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment")
        EXCLUSIVE_LICENCE = "exclusive_licence", _("Exclusive licence")
        LICENCE = "licence", _("Non-exclusive licence")
        EQUITY = "equity", _("Equity investment")
        COOPERATION = "cooperation", _("Cooperation or technical service")
        OWN_PRODUCTION = "own_production", _("Own production")

    class Region(models.TextChoices):
        MAINLAND = "mainland", _("Mainland")
        HONG_KONG = "HK", _("Hong Kong")
        MACAO = "MO", _("Macao")
        TAIWAN = "TW", _("Taiwan")
        ABROAD = "abroad", _("Abroad")

    class State(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified")
        VERIFIED = "verified", _("Verified")

    organisation = models.ForeignKey(Organisation, verbose_name=_("transferring organisation"),
                                     on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    achievements = models.ManyToManyField(Achievement, verbose_name=_("achievements"), related_name="transfers")
    counterparty = models.ForeignKey(Organisation, verbose_name=_("counterparty"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="transfers_received",
                                     help_text=_("An organisation of the registry"))
    counterparty_name = models.CharField(_("counterparty's name"), max_length=200, blank=True,
                                         help_text=_("When the counterparty is not in the registry"))
    counterparty_kind = models.CharField(_("counterparty's type"), max_length=20, choices=Organisation.Kind.choices,
                                         blank=True)
    counterparty_region = models.CharField(_("counterparty's region"), max_length=8, choices=Region.choices,
                                           default=Region.MAINLAND)
    counterparty_contact = models.CharField(_("counterparty's contact"), max_length=200, blank=True,
                                            help_text=_("Contact person and phone; not shown publicly"))
    value = models.DecimalField(_("contract value (yuan)"), max_digits=14, decimal_places=2)
    contract_on = models.DateField(_("contract date"))
    title = models.CharField(_("contract title"), max_length=300)
    link = models.URLField(_("link"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    evidence = models.FileField(_("evidence file"), upload_to="transfers/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("file type"), max_length=60, blank=True)
    evidence_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence file"), max_length=64, blank=True)
    state = models.CharField(_("verification"), max_length=12, choices=State.choices, default=State.UNVERIFIED,
                             db_index=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-contract_on", "title"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="transfer_value_not_negative"),
            models.CheckConstraint(condition=models.Q(counterparty__isnull=False) | ~models.Q(counterparty_name=""),
                                   name="transfer_has_a_counterparty"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def counterparty_label(self) -> str:
        return self.counterparty.name_zh if self.counterparty_id else self.counterparty_name

    @property
    def abroad(self) -> bool:
        """A counterparty in Hong Kong, Macao, Taiwan or abroad: the transfer also cites M22."""
        return self.counterparty_region != self.Region.MAINLAND


class TransferReceipt(models.Model):
    """Money actually received under a transfer contract, in one year (M18): never before the contract date."""

    transfer = models.ForeignKey(Transfer, verbose_name=_("transfer"), on_delete=models.CASCADE,
                                 related_name="receipts")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount received (yuan)"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["transfer", "received_on", "pk"]
        verbose_name = _("money received")
        verbose_name_plural = _("money received")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="transfer_receipt_positive")]

    def __str__(self) -> str:
        return f"{self.transfer} {self.year} {self.amount}"

"""Who takes part: organisations, people, innovation carriers, service institutions, partners."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minsheng.core.models import BilingualNameMixin, TimeStampedModel
from minsheng.engines.keywords import split_keywords
from minsheng.policy.models import District, Domain


class Organisation(BilingualNameMixin, TimeStampedModel):
    """A legal entity, identified by its unified social credit code (统一社会信用代码)."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        HOSPITAL = "hospital", _("Hospital")
        PUBLIC = "public", _("Public institution")
        SERVICE = "service", _("Service institution")
        OTHER = "other", _("Other")

    class Size(models.TextChoices):
        LARGE = "large", _("Large")
        MEDIUM = "medium", _("Medium")
        SMALL = "small", _("Small")
        MICRO = "micro", _("Micro")
        NOT_APPLICABLE = "na", _("Not applicable")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, default=Size.NOT_APPLICABLE)
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="organisations")
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    state = models.CharField(_("verification"), max_length=10, choices=State.choices, default=State.PENDING,
                             db_index=True)
    state_reason = models.TextField(_("reason"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    # The contact person's details (PIPL): tokens in the audit trail, erasable on request (core/personal.py). The
    # address is the organisation's registered office, not a person's.
    personal_fields = ("contact_name", "contact_phone", "contact_email")

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")



class TalentTag(BilingualNameMixin):
    """A talent programme or title a person holds (M21)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("talent tag")
        verbose_name_plural = _("talent tags")


class Person(TimeStampedModel):
    class Title(models.TextChoices):
        SENIOR = "senior", _("Senior (professor level)")
        ASSOCIATE = "associate", _("Associate senior")
        INTERMEDIATE = "intermediate", _("Intermediate")
        JUNIOR = "junior", _("Junior")
        NONE = "none", _("None")

    class Gender(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        UNSTATED = "", _("Not stated")

    name = models.CharField(_("full name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    # Only the masked number is kept (PIPL: collect no more than needed); the full number is
    # checked when typed and then discarded.
    id_number_masked = models.CharField(_("identity number (masked)"), max_length=18, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    title = models.CharField(_("professional title"), max_length=20, choices=Title.choices, default=Title.NONE)
    position = models.CharField(_("position"), max_length=100, blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="people")
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    expertise = models.CharField(_("expertise keywords"), max_length=500, blank=True,
                                 help_text=_("Separate keywords with commas or 、"))
    domains = models.ManyToManyField(Domain, verbose_name=_("domains"), blank=True, related_name="people")
    talent_tags = models.ManyToManyField(TalentTag, verbose_name=_("talent tags"), blank=True,
                                         related_name="people")
    in_expert_pool = models.BooleanField(_("in the expert pool"), default=False, db_index=True)

    # Contact details and identity number (PIPL): tokens in the audit trail, erasable on request
    # (core/personal.py). The name stays: it is how a person appears in applications, teams and reviews.
    personal_fields = ("email", "phone", "id_number_masked")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "id_number_masked"], condition=~Q(id_number_masked=""),
                name="person_unique_identity_per_organisation",
                violation_error_message=_("This person (same name and identity number) is already registered "
                                          "in this organisation."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def keywords(self) -> list[str]:
        return split_keywords(self.expertise)


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


class InnovationCarrier(BilingualNameMixin, TimeStampedModel):
    """Infrastructure (M01) and innovation carriers (M02), with their governance (M04)."""

    class Kind(models.TextChoices):
        INFRASTRUCTURE = "infrastructure", _("S&T infrastructure")
        ENGINEERING_LAB = "engineering_lab", _("Engineering laboratory")
        KEY_LAB = "key_lab", _("Key laboratory")
        ENGINEERING_CENTRE = "engineering_centre", _("Engineering (technology) research centre")
        ENTERPRISE_CENTRE = "enterprise_centre", _("Enterprise technology centre")
        PUBLIC_INSTITUTE = "public_institute", _("Public-welfare research institute")
        JOINT_LAB = "joint_lab", _("Shenzhen–Hong Kong joint laboratory")

    class Governance(models.TextChoices):
        LEGAL_PERSON = "legal_person", _("Independent legal person")
        HOSTED = "hosted", _("Run by the host organisation")
        COUNCIL = "council", _("Council-led")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT,
                               related_name="carriers")
    host = models.ForeignKey(Organisation, verbose_name=_("host organisation"), on_delete=models.PROTECT,
                             related_name="carriers")
    approved_year = models.PositiveSmallIntegerField(_("year approved"), null=True, blank=True)
    governance = models.CharField(_("governance"), max_length=20, choices=Governance.choices,
                                  default=Governance.HOSTED)
    last_evaluation_year = models.PositiveSmallIntegerField(_("last evaluated"), null=True, blank=True)
    last_evaluation_grade = models.CharField(_("last evaluation grade"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("innovation carrier")
        verbose_name_plural = _("innovation carriers")
        constraints = [
            models.UniqueConstraint(
                fields=["name_zh"], name="carrier_unique_name",
                violation_error_message=_("An innovation carrier with this Chinese name is already registered."),
            ),
        ]


class ServiceInstitution(TimeStampedModel):
    """An organisation that serves livelihood S&T (M03): trading, consulting, IP, venture capital…"""

    class Service(models.TextChoices):
        TRADING = "trading", _("Technology trading")
        CONSULTING = "consulting", _("S&T consulting")
        IP = "ip", _("Intellectual property services")
        VENTURE = "venture", _("Venture capital")
        INCUBATOR = "incubator", _("Incubator")
        TRANSFER = "transfer", _("Technology transfer")
        TESTING = "testing", _("Testing and certification")

    organisation = models.OneToOneField(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                        related_name="service_institution")
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.MUNICIPAL)
    domains = models.ManyToManyField(Domain, verbose_name=_("domains served"), blank=True,
                                     related_name="service_institutions")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["organisation__name_zh"]
        verbose_name = _("service institution")
        verbose_name_plural = _("service institutions")

    def __str__(self) -> str:
        return str(self.organisation)


class SharedFacility(BilingualNameMixin, TimeStampedModel):
    """An instrument, platform or database opened to others (M03: open S&T resources)."""

    class Kind(models.TextChoices):
        INSTRUMENT = "instrument", _("Large instrument")
        PLATFORM = "platform", _("Technology platform")
        DATABASE = "database", _("Database or sample bank")
        SITE = "site", _("Test or pilot site")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    host = models.ForeignKey(Organisation, verbose_name=_("host organisation"), on_delete=models.PROTECT,
                             related_name="shared_facilities")
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="shared_facilities")
    open_to_public = models.BooleanField(_("open to outside users"), default=True)
    booking_contact = models.CharField(_("booking contact"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("shared facility")
        verbose_name_plural = _("shared facilities")
        constraints = [
            models.UniqueConstraint(
                fields=["host", "name_zh"], name="facility_unique_name_per_host",
                violation_error_message=_("This organisation already has a shared facility with this Chinese name."),
            ),
        ]


class CooperationPartner(BilingualNameMixin, TimeStampedModel):
    """A partner outside the mainland: Hong Kong, Macao, Taiwan or abroad (M22)."""

    class Region(models.TextChoices):
        HONG_KONG = "HK", _("Hong Kong")
        MACAO = "MO", _("Macao")
        TAIWAN = "TW", _("Taiwan")
        ABROAD = "abroad", _("Abroad")

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        ENTERPRISE = "enterprise", _("Enterprise")
        OTHER = "other", _("Other")

    region = models.CharField(_("region"), max_length=8, choices=Region.choices)
    country = models.CharField(_("country"), max_length=60, blank=True,
                               help_text=_("For partners abroad"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    partners_with = models.ManyToManyField(Organisation, verbose_name=_("cooperates with"), blank=True,
                                           related_name="cooperation_partners")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["region", "name_zh"]
        verbose_name = _("cooperation partner")
        verbose_name_plural = _("cooperation partners")
        constraints = [
            models.UniqueConstraint(
                fields=["name_zh"], name="partner_unique_name",
                violation_error_message=_("A cooperation partner with this Chinese name is already registered."),
            ),
        ]


class Debarment(TimeStampedModel):
    """An organisation or person barred from applying for a period, after a failed acceptance or misconduct.

    The eligibility rule "not barred" reads this list; a call's formal check cites M17 (merit selection).
    """

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="debarments")
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="debarments")
    reason = models.TextField(_("reason"))
    clause = models.CharField(_("clause"), max_length=3, blank=True,
                              help_text=_("The policy clause the debarment is recorded under (M01–M24)."))
    starts_on = models.DateField(_("barred from"))
    ends_on = models.DateField(_("barred until"), null=True, blank=True, help_text=_("Empty: until lifted"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("debarment")
        verbose_name_plural = _("debarments")
        constraints = [
            models.CheckConstraint(condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                                   name="debarment_names_someone"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="debarment_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation or self.person} {self.starts_on}"

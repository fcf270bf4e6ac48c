from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from minsheng.accounts import crypto
from minsheng.core.roles import Role


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. The role decides the home page and what may be seen; the scope
    (organisation, department or district) decides which objects."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    email = models.EmailField(_("e-mail"), unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation = models.ForeignKey("registry.Organisation", verbose_name=_("organisation"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="users")
    department = models.ForeignKey("policy.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="users")
    district = models.ForeignKey("policy.District", verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="users")
    person = models.OneToOneField("registry.Person", verbose_name=_("person record"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="user")

    objects = UserManager()
    REQUIRED_FIELDS = ["email"]
    # Contact details (PIPL): tokens in the audit trail (core/personal.py). The e-mail address is also the
    # account's identity for password resets, so it is not erased; the account is deactivated instead.
    personal_fields = ("email", "phone")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=~Q(role=Role.APPLICANT) | Q(organisation__isnull=False),
                                   name="applicant_has_organisation",
                                   violation_error_message=_("An applicant must belong to an organisation.")),
            models.CheckConstraint(condition=~Q(role=Role.DEPARTMENT_OFFICER) | Q(department__isnull=False),
                                   name="department_officer_has_department",
                                   violation_error_message=_("A department officer must belong to a department.")),
            models.CheckConstraint(condition=~Q(role=Role.DISTRICT_OFFICER) | Q(district__isnull=False),
                                   name="district_officer_has_district",
                                   violation_error_message=_("A district officer must belong to a district.")),
            # Two accounts must not differ only in the case of their e-mail: the reset mail and the
            # lockout both treat addresses case-insensitively.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case",
                                    violation_error_message=_("This e-mail address is already used by an account.")),
        ]

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class SecondFactor(models.Model):
    """A time-based one-time-password authenticator (RFC 6238) bound to one account.

    Required at sign-in for the roles in settings.SECOND_FACTOR_ROLES (quality promise 7). The secret is stored
    encrypted (accounts/crypto.py, keyed outside the database); `secret` reads and writes it in clear. `last_step`
    is the last 30-second step accepted, so a code cannot be used twice, not even within its own window.
    """

    user = models.OneToOneField(User, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="second_factor")
    secret_encrypted = models.TextField(editable=False)
    confirmed_at = models.DateTimeField(_("set up at"), null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)


class RecoveryCode(models.Model):
    """A one-time code that stands in for the authenticator's code once, when the phone is lost or flat.

    Shown once when made, stored only as a keyed digest (accounts/crypto.py). Making a new set deletes the old.
    """

    device = models.ForeignKey(SecondFactor, verbose_name=_("second factor"), on_delete=models.CASCADE,
                               related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("made at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_unique_per_device")]

    def __str__(self) -> str:
        return f"{self.device} #{self.pk}"

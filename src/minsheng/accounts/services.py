"""Every write of the accounts app: registration, sign-in and sign-out events, passwords, the profile.

Each function runs in one transaction and records its audit event there, so that a failed audit
write undoes the action.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minsheng.accounts import lockout, second_factor
from minsheng.core import audit
from minsheng.core.identifiers import clean_credit_code
from minsheng.core.roles import Role
from minsheng.core.services import update_audited
from minsheng.policy.models import District
from minsheng.registry import services as registry
from minsheng.registry.models import Organisation

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def registration_conflicts(*, credit_code: str = "", name_zh: str = "", email: str = "",
                           username: str = "") -> dict[str, str]:
    """Field → message for every value that is already taken, in the user's language."""
    User = get_user_model()
    found = {}
    if credit_code and Organisation.objects.filter(credit_code__iexact=credit_code).exists():
        found["credit_code"] = _("This organisation is already registered. Ask its administrator on the "
                                 "platform to add you as a user.")
    if name_zh and Organisation.objects.filter(name_zh=name_zh.strip()).exists():
        found["name_zh"] = _("An organisation with this name is already registered. Ask its administrator on "
                             "the platform to add you as a user.")
    if email and User.objects.filter(email__iexact=email.strip()).exists():
        found["email"] = _("This e-mail address is already used by an account. Sign in, or reset the password "
                           "if you have forgotten it.")
    if username and User.objects.filter(username__iexact=username.strip()).exists():
        found["username"] = _("This username is taken; please choose another.")
    return found


def register_organisation(
    *,
    credit_code: str,
    name_zh: str,
    name_en: str,
    kind: str,
    district: District | None,
    address: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    phone: str,
    password: str,
):
    """Register an applicant organisation (pending until an officer verifies it) and its first user.

    Both rows are written in one transaction or neither is. A value already taken, including one taken
    by a concurrent request between the form's check and the insert, raises a ValidationError that
    names the field.
    """
    User = get_user_model()
    code = clean_credit_code(credit_code)
    taken = registration_conflicts(credit_code=code, name_zh=name_zh, email=email, username=username)
    if taken:
        raise ValidationError(taken)
    try:
        with transaction.atomic():
            organisation = Organisation(
                credit_code=code, name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind, district=district,
                address=address.strip(), contact_name=contact_name.strip(), contact_phone=contact_phone.strip(),
                contact_email=(contact_email or email).strip(), state=Organisation.State.PENDING,
            )
            organisation.full_clean(validate_unique=False)
            organisation.save(force_insert=True)
            user = User(
                username=username.strip(), email=User.objects.normalize_email(email.strip()),
                first_name=first_name.strip(), last_name=last_name.strip(),
                phone=(phone or contact_phone).strip(), role=Role.APPLICANT, organisation=organisation,
            )
            user.set_password(password)
            user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
            user.save(force_insert=True)
            audit.record(action="registry.organisation.register", by=user, target=organisation,
                         new=audit.snapshot(organisation), reason=_("self-registration"))
            audit.record(action="accounts.user.register", by=user, target=user, new=audit.snapshot(user),
                         reason=_("self-registration"))
            registry.announce_registration(organisation)
    except IntegrityError as exc:
        taken = registration_conflicts(credit_code=code, name_zh=name_zh, email=email, username=username)
        raise ValidationError(taken or {NON_FIELD_ERRORS: _(
            "The registration could not be saved because another one with the same details arrived at the "
            "same moment. Reload the page to check, then try again.")}) from exc
    return organisation, user


@transaction.atomic
def sign_in(*, request, user, reason: str = "", second_factor_device=None, how: str = "") -> None:
    """Start a signed-in session (Django gives it a new session key) and record the login.

    `second_factor_device` is the authenticator the user has just passed the second step with (`how`: with its
    code or a recovery code); the session is marked with it, which is what lets a role that needs the step use it.
    """
    auth_login(request, user, backend=MODEL_BACKEND if not hasattr(user, "backend") else None)
    if second_factor_device is not None:
        second_factor.mark_passed(request, second_factor_device)
    lockout.clear_account(user.get_username())
    audit.record(action="accounts.login", by=user, target=user, reason=reason,
                 new={"second_factor": how} if how else None)


@transaction.atomic
def note_password_accepted(*, user) -> None:
    """The password was right and the second step is now awaited: recorded, so that a password that is known to
    someone who then fails the one-time code shows in the trail."""
    audit.record(action="accounts.login.password_accepted", target=user,
                 reason=_("password right; awaiting the one-time code"))


@transaction.atomic
def note_login_failure(*, username: str, lock: lockout.Lock | None, refused_while_locked: bool = False,
                       what: str = "") -> None:
    """Record a failed login (no actor: nobody is signed in) and, when this failure set a lock, the lock.

    The target is the username as typed: whether such an account exists is not looked up here.
    """
    label = (username or "")[:300]
    if refused_while_locked:
        audit.record(action="accounts.login.refused", target_label=label,
                     reason=_("sign-in refused: locked after repeated failures"))
        return
    audit.record(action="accounts.login.failure", target_label=label, reason=what or _("wrong username or password"))
    _note_lock(lock, target_label=label)


@transaction.atomic
def note_second_factor_failure(*, user, lock: lockout.Lock | None, refused_while_locked: bool = False) -> None:
    """Record a wrong one-time or recovery code (the password was right, so the account is known), and the lock
    this failure set, if any."""
    if refused_while_locked:
        audit.record(action="accounts.login.refused", target=user,
                     reason=_("second step refused: locked after repeated failures"))
        return
    audit.record(action="accounts.second_factor.failure", target=user, reason=_("wrong one-time code"))
    _note_lock(lock, target=user)


def _note_lock(lock: lockout.Lock | None, **target) -> None:
    if lock is not None:
        audit.record(action="accounts.lockout", **target, new={
            "scope": lock.scope, "seconds": lock.seconds_left,
        }, reason=_("too many failed sign-in attempts"))


@transaction.atomic
def end_session_without_second_factor(*, request, user) -> None:
    """End a signed-in session whose role needs the second step but which has not passed it (or whose
    authenticator has been reset since), and record it: no page is served to such a session."""
    audit.record(action="accounts.session.ended", by=user, target=user,
                 reason=_("the session had not passed the second sign-in step"))
    auth_logout(request)


@transaction.atomic
def sign_out(*, request) -> None:
    """End the session; record the logout of whoever was signed in."""
    user = request.user
    if user.is_authenticated:
        audit.record(action="accounts.logout", by=user, target=user)
    auth_logout(request)


@transaction.atomic
def change_password(*, user, password: str, by) -> None:
    """The signed-in user sets a new password (the old one was checked by the form)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(action="accounts.password.change", by=by, target=user)


@transaction.atomic
def request_password_reset(*, email: str, users: list, throttled: bool) -> None:
    """Record a reset request for each account the e-mail belongs to, or for the e-mail alone.

    The mail itself is sent by the caller after commit; `throttled` requests send none.
    """
    reason = _("too many requests for this e-mail address: no mail sent") if throttled else ""
    if not users:
        audit.record(action="accounts.password_reset.request", target_label=email,
                     reason=reason or _("no active account with this e-mail address: no mail sent"))
    for user in users:
        audit.record(action="accounts.password_reset.request", target=user, reason=reason)


@transaction.atomic
def reset_password(*, user, password: str) -> None:
    """Set the password chosen through a valid reset link; the lock on the account, if any, is lifted."""
    user.set_password(password)
    user.save(update_fields=["password"])
    lockout.clear_account(user.get_username())
    audit.record(action="accounts.password_reset.complete", by=user, target=user)


@transaction.atomic
def update_profile(*, user, by, first_name: str, last_name: str, email: str, phone: str):
    """The user's own name, e-mail and phone. Recorded with the old and new values."""
    User = get_user_model()
    email = User.objects.normalize_email(email.strip())
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": _("This e-mail address is already used by another account.")})
    # A plain instance: request.user is a lazy wrapper, and update_audited works from the model class.
    return update_audited(User.objects.get(pk=user.pk), by=by, changes={
        "first_name": first_name.strip(), "last_name": last_name.strip(), "email": email, "phone": phone.strip(),
    })

"""The second sign-in step for government roles: a one-time code from an authenticator app (TOTP, RFC 6238).

When the password is right, the login view does not yet sign in a user whose role needs a second factor
(settings.SECOND_FACTOR_ROLES, while settings.SECOND_FACTOR_REQUIRED): it keeps the user's id in the session as
*pending* for a few minutes and sends them to the second-factor page. There they type the code from their
authenticator or, the first time, scan a QR code to set one up and confirm it with a first code; they are then
shown ten recovery codes, once, each of which stands in for the authenticator one time. Wrong codes count as failed
sign-ins (the same lockout by account and address). An administrator resets a lost authenticator, with a reason.

Completing the step marks the session (`PASSED_KEY`, with the authenticator it was passed with). A signed-in
session of such a role without that mark, or whose authenticator has since been reset, is ended by
accounts.middleware.SecondFactorMiddleware, whichever way it was made.
"""

import hmac
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from minsheng.accounts import crypto
from minsheng.accounts.models import RecoveryCode, SecondFactor
from minsheng.core import audit, clock

PENDING_KEY = "accounts.second_factor.pending"
PASSED_KEY = "accounts.second_factor.passed"
PENDING_SECONDS = 300
STEP_SECONDS = 30
ISSUER = "Minsheng"

# Recovery codes: ten of ten characters each from an alphabet without look-alikes (no 0/o, 1/i/l), shown in two
# groups of five; about 49 bits each, and their digests are keyed outside the database.
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"

# How the step was passed, as recorded in the audit trail.
AUTHENTICATOR = "authenticator"
RECOVERY_CODE = "recovery_code"


def required_for(user) -> bool:
    return bool(settings.SECOND_FACTOR_REQUIRED) and user.role in settings.SECOND_FACTOR_ROLES


def begin(request, user, next_url: str) -> None:
    """The password was right: remember who is half-way through signing in, and where they were going."""
    request.session[PENDING_KEY] = {"user": user.pk, "until": time.time() + PENDING_SECONDS, "next": next_url}


def pending_user(request):
    """The user half-way through signing in, or None when there is none or the few minutes have passed."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("until", 0) < time.time():
        request.session.pop(PENDING_KEY, None)
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def finish(request) -> str:
    """Forget the pending sign-in; return where the user was going."""
    return (request.session.pop(PENDING_KEY, None) or {}).get("next", "")


def mark_passed(request, device: SecondFactor) -> None:
    """Record in the (already signed-in) session that its user passed the step with this authenticator."""
    request.session[PASSED_KEY] = {"user": device.user_id, "device": device.pk}
    request._second_factor_passed = True


def session_passed(request, user) -> bool:
    """Whether this signed-in session may be used: its user's role needs no second factor, or the session passed
    the step with the authenticator the user still has. Worked out once per request."""
    if not required_for(user):
        return True
    cached = getattr(request, "_second_factor_passed", None)
    if cached is None:
        mark = request.session.get(PASSED_KEY) or {}
        cached = (mark.get("user") == user.pk and SecondFactor.objects.filter(
            pk=mark.get("device"), user_id=user.pk, confirmed_at__isnull=False).exists())
        request._second_factor_passed = cached
    return cached


def device_for(user) -> SecondFactor:
    """The user's authenticator; a new secret is made the first time and kept until it is confirmed or reset."""
    device, _created = SecondFactor.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    return device


def provisioning_uri(device: SecondFactor) -> str:
    return pyotp.TOTP(device.secret, interval=STEP_SECONDS).provisioning_uri(
        name=device.user.get_username(), issuer_name=ISSUER)


def qr_svg(device: SecondFactor) -> str:
    """The set-up QR code as inline SVG markup (no script, no external request: fine under the CSP)."""
    return segno.make(provisioning_uri(device), error="m").svg_inline(scale=5, dark="#212529")


def grouped_secret(device: SecondFactor) -> str:
    """The secret in groups of four, for typing into an authenticator by hand."""
    secret = device.secret
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalise(code: str) -> str:
    return "".join((code or "").split())


def normalise_recovery_code(code: str) -> str:
    """Recovery codes are read without spaces, hyphens or case, as people copy them."""
    return normalise(code).replace("-", "").casefold()


@transaction.atomic
def verify(user, code: str) -> str | None:
    """Check a typed code: the authenticator's six digits, or once set up, one of the user's recovery codes.

    Returns how the step was passed (AUTHENTICATOR or RECOVERY_CODE), or None. The device row is locked, so the same
    code posted twice at once is accepted once.
    """
    device = SecondFactor.objects.select_for_update().get(user=user)
    typed = normalise(code)
    if typed.isdigit() and len(typed) == 6:
        return AUTHENTICATOR if _accept_totp(device, typed) else None
    recovery = normalise_recovery_code(code)
    if device.confirmed_at is not None and len(recovery) == RECOVERY_CODE_LENGTH and _use_recovery_code(
            device, recovery):
        return RECOVERY_CODE
    return None


def _accept_totp(device: SecondFactor, code: str) -> bool:
    """The code of the current 30-second step or either neighbour (clock drift), each step only once.

    The first accepted code confirms a new authenticator.
    """
    totp = pyotp.TOTP(device.secret, interval=STEP_SECONDS)
    now_step = int(time.time()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if step > device.last_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            first_use = device.confirmed_at is None
            device.last_step = step
            device.confirmed_at = device.confirmed_at or clock.now()
            # Under the first key, should SECOND_FACTOR_KEY have been replaced since it was stored.
            device.secret_encrypted = crypto.reencrypt(device.secret_encrypted)
            device.save(update_fields=["last_step", "confirmed_at", "secret_encrypted"])
            if first_use:
                audit.record(action="accounts.second_factor.confirm", by=device.user, target=device.user,
                             reason=_("authenticator set up"))
            return True
    return False


def _use_recovery_code(device: SecondFactor, code: str) -> bool:
    used = RecoveryCode.objects.filter(device=device, digest__in=crypto.digests(code), used_at__isnull=True
                                       ).update(used_at=clock.now())
    if used:
        audit.record(action="accounts.recovery_code.use", by=device.user, target=device.user,
                     new={"recovery_codes_left": recovery_codes_left(device.user)},
                     reason=_("a recovery code used instead of the authenticator"))
    return bool(used)


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


def confirmed_device(user) -> SecondFactor | None:
    return SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).first()


def _new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))


def display_recovery_code(code: str) -> str:
    half = RECOVERY_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


@transaction.atomic
def make_recovery_codes(user, *, by, reason: str) -> list[str]:
    """A new set of recovery codes for the user's confirmed authenticator; the old set stops working.

    Returns the codes for showing once: only their digests are kept.
    """
    device = SecondFactor.objects.select_for_update().get(user=user, confirmed_at__isnull=False)
    replaced = device.recovery_codes.filter(used_at__isnull=True).count()
    device.recovery_codes.all().delete()
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(_new_recovery_code())
    now = clock.now()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=crypto.digest(code), created_at=now) for code in sorted(codes)])
    audit.record(action="accounts.recovery_codes.generate", by=by, target=user,
                 new={"recovery_codes": RECOVERY_CODE_COUNT, "unused_codes_replaced": replaced}, reason=reason)
    return [display_recovery_code(code) for code in sorted(codes)]


@transaction.atomic
def reset(user, *, by, reason: str) -> bool:
    """Remove the user's authenticator and recovery codes (lost phone); the next sign-in sets up a new one, and a
    session signed in with the old one ends at its next request. Returns whether one existed."""
    device = SecondFactor.objects.filter(user=user).first()
    old = {"set_up_at": device.confirmed_at.isoformat() if device and device.confirmed_at else None,
           "recovery_codes_left": recovery_codes_left(user)} if device else None
    if device is not None:
        device.delete()
    audit.record(action="accounts.second_factor.reset", by=by, target=user, old=old, reason=reason)
    return device is not None

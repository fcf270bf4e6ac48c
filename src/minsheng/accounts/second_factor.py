"""The second sign-in step for government roles: a one-time code from an authenticator app (TOTP, RFC 6238).

When the password is right, the login view does not yet sign in a user whose role needs a second factor
(settings.SECOND_FACTOR_ROLES, while settings.SECOND_FACTOR_REQUIRED): it keeps the user's id in the session as
*pending* for a few minutes and sends them to the second-factor page. There they type the code from their
authenticator or, the first time, scan a QR code to set one up and confirm it with a first code. Wrong codes count
as failed sign-ins (the same lockout by account and address). An administrator resets a lost authenticator.
"""

import hmac
import time

import pyotp
import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from minsheng.accounts.models import SecondFactor
from minsheng.core import audit

PENDING_KEY = "accounts.second_factor.pending"
PENDING_SECONDS = 300
STEP_SECONDS = 30
ISSUER = "Minsheng"


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
    return " ".join(device.secret[i:i + 4] for i in range(0, len(device.secret), 4))


def normalise(code: str) -> str:
    return "".join((code or "").split())


@transaction.atomic
def verify(user, code: str) -> bool:
    """Accept the code of the current 30-second step or either neighbour (clock drift), each step only once.

    The first accepted code confirms a new authenticator. The device row is locked, so the same code posted twice
    at once is accepted once.
    """
    code = normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return False
    device = SecondFactor.objects.select_for_update().get(user=user)
    totp = pyotp.TOTP(device.secret, interval=STEP_SECONDS)
    now_step = int(time.time()) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if step > device.last_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            first_use = device.confirmed_at is None
            device.last_step = step
            device.confirmed_at = device.confirmed_at or timezone.now()
            device.save(update_fields=["last_step", "confirmed_at"])
            if first_use:
                audit.record(action="accounts.second_factor.confirm", by=user, target=user,
                             reason="authenticator set up")
            return True
    return False


@transaction.atomic
def reset(user, *, by, reason: str) -> bool:
    """Remove the user's authenticator (lost phone); the next sign-in sets up a new one. Returns whether one existed."""
    deleted, _rows = SecondFactor.objects.filter(user=user).delete()
    audit.record(action="accounts.second_factor.reset", by=by, target=user, reason=reason)
    return bool(deleted)

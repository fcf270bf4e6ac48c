"""Money-moving requests are recorded once, however often they are sent.

A browser that lost the answer to a POST (the server crashed, the network dropped) sends the same form again, and
a client that saw a connection error retries. Each money-moving form therefore carries a one-time token
(`{% one_time_token %}`, a fresh random value each time the form is drawn; drawing it writes nothing), and the API
twins of those forms accept the same thing as an `Idempotency-Key` header. The write claims the token inside its
own transaction by inserting a row that a unique constraint allows once per user (`OneTimeToken`): if the write
fails, the claim is rolled back with it and the form can be sent again; if it succeeded, a second request with the
token finds the row and is told that it was already recorded, with nothing written twice. Two copies sent at the
same moment queue on the constraint (PostgreSQL) or on the write lock (SQLite), and the second finds the first's
row. The same token sent with other values, or to another action, is refused rather than replayed.
"""

import hashlib
import json
import re
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from minsheng.core import clock
from minsheng.core.models import OneTimeToken

FIELD = "one_time_token"
HEADER = "Idempotency-Key"
# What a form's token looks like, and what an API client may choose as its key (a UUID fits).
KEY_PATTERN = r"^[A-Za-z0-9._:-]{16,128}$"
_KEY = re.compile(KEY_PATTERN)
_NOT_SENT = {"csrfmiddlewaretoken", FIELD}
T = TypeVar("T")


class AlreadyRecorded(Exception):
    """The request was sent before with this token and recorded then; `record` says what and when."""

    def __init__(self, record: OneTimeToken):
        self.record = record
        super().__init__(_("This was already recorded at %(time)s, when it was first sent; it was not recorded a "
                           "second time.")
                         % {"time": timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M:%S")})


class TokenReused(ValidationError):
    """The token was used before for something else (another action, or other values)."""


def new_token() -> str:
    return get_random_string(32)


def form_key(request) -> str:
    """The token of a submitted form; a form without one (drawn before tokens existed, or not by this platform)
    is refused, so that no money-moving form is ever recorded without the protection."""
    key = request.POST.get(FIELD, "")
    if not _KEY.match(key):
        raise ValidationError(_("This form has no valid one-time token. Reload the page and send it again; nothing "
                                "was saved."), code="one_time_token")
    return key


def header_key(request) -> str | None:
    """The API's Idempotency-Key, when the client sent one."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationError(_("The Idempotency-Key header must be 16 to 128 letters, digits or the characters "
                                "“.”, “_”, “:” and “-”."), code="idempotency_key")
    return key


def fingerprint(request, values) -> str:
    """The method, path and values of a request, hashed: what a replay must repeat exactly."""
    if hasattr(values, "lists"):
        values = {name: items for name, items in values.lists() if name not in _NOT_SENT}
    text = json.dumps([request.method, request.path, values], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def record(request, *, key: str | None, action: str, write: Callable[[], T], values=None) -> T:
    """Run `write` in one transaction that claims `key` for the signed-in user first; return what it returned.
    Raises AlreadyRecorded when the same request was recorded before, TokenReused when the key was used for
    something else; with no key (an API call without the header), simply runs `write` in a transaction."""
    with transaction.atomic():
        if key is None:
            return write()
        claim = _claim(request, key=key, action=action,
                       fingerprint=fingerprint(request, request.POST if values is None else values))
        result = write()
        if isinstance(result, models.Model):
            claim.target_type, claim.target_id = result._meta.label_lower, str(result.pk)
            claim.save(update_fields=["target_type", "target_id"])
        return result


def _claim(request, *, key: str, action: str, fingerprint: str) -> OneTimeToken:
    try:
        with transaction.atomic():
            return OneTimeToken.objects.create(user=request.user, key=key, action=action, fingerprint=fingerprint,
                                               created_at=clock.now())
    except IntegrityError:
        first = OneTimeToken.objects.get(user=request.user, key=key)
    if first.action == action and first.fingerprint == fingerprint:
        raise AlreadyRecorded(first)
    raise TokenReused(_("This form was already sent with other values. Reload the page to enter something new; "
                        "nothing was saved."), code="one_time_token_reused")

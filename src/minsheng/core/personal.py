"""People's contact details and the audit trail (PIPL).

A model names the contact details it holds in a class attribute, `personal_fields` (the livelihood problem's
contact name, phone and e-mail; a person's phone, e-mail and identity number; ...). The audit trail, which can
never be changed, never holds them in clear: `audit.record()` replaces each such value with a token
`[pd:<24 hex>]`, an HMAC-SHA256 of the value keyed by PERSONAL_DATA_KEY (kept outside the database) and by the
record's own random key (`PersonalDataKey`, in the database). Phone numbers, e-mail addresses and identity
numbers typed into free text (a description, a reason, a label) are replaced the same way.

The same value of the same record always gives the same token, so the trail still shows that a detail changed,
and who changed it. Erasing a record's personal data on request blanks the live fields and deletes the record's
key: its tokens in the trail then stand for nothing that anyone, even with PERSONAL_DATA_KEY, can test a guess
against, and the chain is untouched.

Events written before tokens existed may hold such values in clear. They cannot be rewritten (append-only and
hash-chained), so every page and export shows the trail through `hide()` and `is_personal()`, which never show
them.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from minsheng.core import labels
from minsheng.core.models import PersonalDataKey

TOKEN = re.compile(r"\[pd:[0-9a-f]{24}\]")
# What the pages show instead of a personal detail, whether the event holds a token or (older events) the value.
PLACEHOLDER = _("[personal data]")

# Contact details typed where no field says so: mainland mobile and landline numbers, e-mail addresses,
# resident identity numbers. Bounded so that amounts, dates, credit codes and patent numbers never match.
# ASCII classes: a Chinese character right before or after a number is a boundary, a letter or digit is not.
_PATTERNS = [re.compile(pattern, re.ASCII) for pattern in (
    r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+",
    r"(?<![\w.+-])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![\w.])",
    r"(?<![\w.-])0\d{2,3}-\d{7,8}(?![\w-])",
    r"(?<![\w.-])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\w.])",
)]


def fields_of(model) -> tuple[str, ...]:
    """The personal contact details a model declares (`personal_fields`), empty when it declares none."""
    return tuple(getattr(model, "personal_fields", ()))


def is_personal(model, name: str) -> bool:
    return model is not None and name in fields_of(model)


def erasable(model) -> bool:
    """Whether a record's personal details can be blanked: declared, and none of them a unique identity.

    An account's e-mail address is unique because it is how its holder signs in; an account is deactivated
    instead.
    """
    names = fields_of(model)
    return bool(names) and not any(model._meta.get_field(name).unique for name in names)


def _subject(instance) -> tuple[str, str] | None:
    if instance is None or getattr(instance, "pk", None) is None:
        return None
    return instance._meta.label_lower, str(instance.pk)


def _key_of(subject: tuple[str, str] | None) -> bytes:
    """The record's own key, made on first use; b"" for events about no record (a typed e-mail address)."""
    if subject is None:
        return b""
    subject_type, subject_id = subject
    # A record made before its model moved to another app has its key under the former label (core/labels.py).
    known = PersonalDataKey.objects.filter(subject_type__in=labels.labels_of(subject_type), subject_id=subject_id)
    found = known.first()
    if found is None:
        try:
            with transaction.atomic():
                found = PersonalDataKey.objects.create(subject_type=subject_type, subject_id=subject_id,
                                                       key=secrets.token_hex(32))
        except IntegrityError:  # made at the same moment by another request: use that one
            found = known.get()
    return bytes.fromhex(found.key)


class Tokens:
    """Replaces one record's personal values by tokens; its key is read (or made) only when a value needs one."""

    def __init__(self, subject_instance=None):
        self._subject = _subject(subject_instance)
        self._key: bytes | None = None

    def token(self, value) -> str:
        if self._key is None:
            self._key = _key_of(self._subject)
        mac = hmac.new(settings.PERSONAL_DATA_KEY.encode(), self._key + b"\x00" + str(value).encode(),
                       hashlib.sha256)
        return f"[pd:{mac.hexdigest()[:24]}]"

    def text(self, text: str) -> str:
        """Free text with every contact detail found in it replaced."""
        for pattern in _PATTERNS:
            if pattern.search(text):
                text = pattern.sub(lambda match: self.token(match.group(0)), text)
        return text

    def value(self, value):
        """Any JSON value, contact details inside its strings replaced (keys are names, not data)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        return value

    def values(self, values: dict | None, personal: tuple[str, ...]) -> dict | None:
        """Old or new values of an event: declared fields as whole tokens, the rest scanned."""
        if not isinstance(values, dict):
            return self.value(values)
        return {name: (self.token(value) if name in personal and value not in ("", None, [])
                       and not (isinstance(value, str) and TOKEN.fullmatch(value))
                       else self.value(value))
                for name, value in values.items()}


def protect_event(*, target: models.Model | None, label: str, old, new, reason: str):
    """What an event may hold: the label, values and reason with contact details replaced by tokens."""
    tokens = Tokens(target)
    personal = fields_of(type(target)) if target is not None else ()
    for name in personal:
        value = getattr(target, name, "")
        if value and isinstance(value, str) and value in label:
            label = label.replace(value, tokens.token(value))
    return tokens.text(label), tokens.values(old, personal), tokens.values(new, personal), tokens.text(reason)


# --- What the pages show --------------------------------------------------------------------------------------

def hide(text: str) -> str:
    """Text from the trail as a page may show it: tokens, and any contact detail in clear, as the placeholder."""
    if not text:
        return text
    shown = str(PLACEHOLDER)
    text = TOKEN.sub(shown, text)
    for pattern in _PATTERNS:
        text = pattern.sub(shown, text)
    return text


def holds_clear_contact(text: str) -> bool:
    """Whether text holds a contact detail in clear (what no event written now may hold)."""
    return any(pattern.search(TOKEN.sub("", text or "")) for pattern in _PATTERNS)

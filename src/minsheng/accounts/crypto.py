"""The second factor's secrets at rest: authenticator secrets encrypted, recovery codes as keyed digests.

Both are keyed by settings.SECOND_FACTOR_KEY, which lives outside the database (the environment, or a file
generated once into var/), so a copy of the database alone yields neither a usable authenticator secret nor a
recovery code that can be guessed offline. The setting may list several keys separated by commas: the first
encrypts and digests new values, every one is tried when reading, so a key can be replaced without locking
anyone out (each secret is re-encrypted under the first key at its owner's next sign-in).
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _keys(setting: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in setting.split(",") if key.strip())
    if not keys:
        raise ImproperlyConfigured("SECOND_FACTOR_KEY is empty: set it, or unset it to have one generated in var/.")
    return keys


def _derive(key: str, purpose: bytes) -> bytes:
    # One configured key, two independent keys: one for encryption, one for the recovery codes' digests.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"minsheng second factor: " + purpose
                ).derive(key.encode())


@cache
def _fernet(setting: str) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(key, b"encryption"))) for key in _keys(setting)])


@cache
def _digest_keys(setting: str) -> tuple[bytes, ...]:
    return tuple(_derive(key, b"recovery codes") for key in _keys(setting))


def encrypt(text: str) -> str:
    """Authenticated encryption (Fernet: AES-128-CBC and HMAC-SHA256) under the first key."""
    return _fernet(settings.SECOND_FACTOR_KEY).encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.SECOND_FACTOR_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A second-factor secret cannot be decrypted with SECOND_FACTOR_KEY: the key was changed or lost. "
            "Put the old key back (after the new one, separated by a comma), or reset the users' authenticators."
        ) from exc


def reencrypt(token: str) -> str:
    """The same text encrypted again under the first key (for a token made under an older one)."""
    return encrypt(decrypt(token))


def digest(code: str) -> str:
    """The stored form of a recovery code: HMAC-SHA256 under the first key."""
    return digests(code)[0]


def digests(code: str) -> list[str]:
    """The code's digest under every configured key, to look it up whichever key it was made under."""
    return [hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
            for key in _digest_keys(settings.SECOND_FACTOR_KEY)]

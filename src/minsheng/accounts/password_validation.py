"""Password validators whose messages read in the page's language.

Django 5.2 gave the minimum-length message a new msgid ("... at least %d character.") that its Chinese
catalogue does not translate yet, so Chinese pages showed it in English. This validator says the same
with the msgid the catalogues know. settings.AUTH_PASSWORD_VALIDATORS names it in place of Django's.

`GuessabilityValidator` refuses passwords that an attacker's cracking rules guess early: repeated characters,
keyboard runs, sequences, common passwords and words, dates, and the person's own name or username. zxcvbn
estimates the guesses; its own advice is English only, so the message is ours, naming what it found.
"""

import threading

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from zxcvbn import zxcvbn


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


# zxcvbn puts each call's user inputs into a module-level dictionary before matching, so two threads of one
# worker must not estimate at once, or one would judge its password against the other's name.
_ZXCVBN_LOCK = threading.Lock()
# zxcvbn refuses longer input (its matching grows fast with the length); a password whose first 72 characters
# are weak is weak, whatever follows.
ESTIMATED_LENGTH = 72
USER_ATTRIBUTES = ("username", "first_name", "last_name", "email")


def _reasons() -> dict[str, str]:
    # What zxcvbn found, in words a person understands; the message lists them in this order.
    return {
        "repeat": _("it repeats characters or a group of characters (like “aaaa” or “abcabc”)"),
        "spatial": _("it follows a run of keys on the keyboard (like “qwerty” or “1qaz2wsx”)"),
        "sequence": _("it contains a sequence (like “abcd” or “1234”)"),
        "dictionary": _("it is, or is built on, a common password or word"),
        "user_inputs": _("it contains your name, username or e-mail address"),
        "date": _("it contains a date"),
        "regex": _("it contains a recent year"),
    }


def _found(result: dict) -> set[str]:
    """The kinds of weakness zxcvbn matched; a match against the person's own details is a kind of its own."""
    found = set()
    for match in result["sequence"]:
        if match["pattern"] == "dictionary" and match.get("dictionary_name") == "user_inputs":
            found.add("user_inputs")
        else:
            found.add(match["pattern"])
    return found


class GuessabilityValidator:
    """Refuse a password that zxcvbn scores below `min_score` (0–4; 3 means about 10⁸ guesses or more)."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def estimate(self, password: str, user=None) -> dict:
        details = [str(getattr(user, name, "") or "") for name in USER_ATTRIBUTES] if user is not None else []
        # "zhang.wei@example.cn" also yields "zhang", "wei", "example"...
        parts = [part for value in details for part in value.replace("@", " ").replace(".", " ").split()]
        inputs = [value for value in details + parts if value]
        with _ZXCVBN_LOCK:
            return zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=inputs)

    def validate(self, password, user=None):
        result = self.estimate(password, user)
        if result["score"] >= self.min_score:
            return
        found = _found(result)
        reasons = [text for kind, text in _reasons().items() if kind in found]
        if reasons:
            message = _("This password is too easy to guess: %(reasons)s. Use a longer one, for example a few "
                        "unrelated words with digits or signs between them.") % {"reasons": _("; ").join(reasons)}
        else:
            message = _("This password is too easy to guess. Use a longer one, for example a few unrelated words "
                        "with digits or signs between them.")
        raise ValidationError(message, code="password_too_guessable")

    def get_help_text(self):
        return _("It must not be easy to guess: no repeated characters, keyboard runs, sequences, common words "
                 "or your own name.")

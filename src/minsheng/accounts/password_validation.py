"""Password validators whose messages read in the page's language.

Django 5.2 gave the minimum-length message a new msgid ("... at least %d character.") that its Chinese
catalogue does not translate yet, so Chinese pages showed it in English. This validator says the same
with the msgid the catalogues know. settings.AUTH_PASSWORD_VALIDATORS names it in place of Django's.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

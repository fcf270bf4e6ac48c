"""Read-only fields for values that may be missing: null when missing, so the answer matches the schema.

A blank URL or e-mail address is an empty string in the database, but an empty string is no URI and no e-mail
address: the schema declares the formats, so a missing one is answered null and the field is declared nullable.
"""

from rest_framework import serializers


class _Optional:
    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class OptionalURLField(_Optional, serializers.URLField):
    pass


class OptionalEmailField(_Optional, serializers.EmailField):
    pass

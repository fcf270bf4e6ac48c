"""Argon2id with the cost chosen for the server in settings (ARGON2_*; see docs/decisions.md).

The algorithm's name stays "argon2", so every stored hash keeps verifying; a hash made with other parameters is
rehashed with these at its owner's next sign-in (Django's must_update).
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    @property
    def memory_cost(self) -> int:  # KiB
        return settings.ARGON2_MEMORY_KIB

    @property
    def time_cost(self) -> int:  # passes over the memory
        return settings.ARGON2_TIME_COST

    @property
    def parallelism(self) -> int:  # lanes
        return settings.ARGON2_PARALLELISM

"""The permission matrix: every route × every role, positive and negative (quality.md, promise 1).

Each app lists its rows in `rows_<app>.py` as `ROWS = [Row(...), ...]` and may add objects to the shared
world with `def extend_world(world): ...`. `test_matrix.py` runs every row for every role and fails when a
route has no row at all, listing the missing routes under the rows file each belongs in.

The world is built once per module run, inside a transaction rolled back at the end; every row runs in its
own savepoint and every role inside another, so a row never sees what another row or role wrote. Rows read
ids from the world (`kwargs=lambda world: {"pk": world.org_own.pk}`), never objects fetched by other rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from minsheng.core.roles import Role

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *[str(r) for r in Role]]
GOVERNMENT = {Role.OFFICER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER, Role.FINANCE, Role.AUDITOR, Role.ADMIN}
ALL_SIGNED_IN = set(Role)

# What each outcome means, for readable rows.
OK = 200
REDIRECT = 302  # e.g. a successful POST, or anonymous sent to the login page
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405


@dataclass
class Row:
    route: str                                  # URL name with namespace, e.g. "registry:organisation_detail"
    expect: dict[str, int]                      # role (or "anonymous") -> expected status code
    kwargs: Callable | None = None              # world -> URL kwargs
    method: str = "GET"
    data: Callable | None = None                # world -> POST data
    query: str = ""                             # appended to the URL, e.g. "?format=xlsx"
    note: str = ""
    content_type: str | None = None             # e.g. "application/json" for API writes
    extra: dict = field(default_factory=dict)   # extra client kwargs (headers)

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"row {self.route} {self.note}: no expectation for {sorted(missing)}")

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}{' ' + self.note if self.note else ''}"


def everyone(status: int = OK) -> dict[str, int]:
    """Public: the same answer for anonymous visitors and every role."""
    return dict.fromkeys(ROLES, status)


def only(roles, ok: int = OK, denied: int = FORBIDDEN, anonymous: int = REDIRECT, **overrides) -> dict[str, int]:
    """Signed-in roles in `roles` get `ok`, other roles `denied`, anonymous `anonymous` (login redirect).

    Overrides per role by keyword, e.g. applicant=404 for an object outside the applicant's scope.
    """
    allowed = {str(r) for r in roles}
    table = {ANONYMOUS: anonymous}
    for role in Role:
        table[str(role)] = ok if str(role) in allowed else denied
    for role, status in overrides.items():
        if role not in table:
            raise ValueError(f"unknown role {role}")
        table[role] = status
    return table


class World:
    """The objects rows point at: one user per role, the applicant's own organisation and another one."""

    def __init__(self):
        from tests.factories import OrganisationFactory, PersonFactory, user_for_role

        self.org_own = OrganisationFactory(name_zh="深圳市本单位科技有限公司")
        self.org_other = OrganisationFactory(name_zh="深圳市他单位科技有限公司")
        self.person_own = PersonFactory(organisation=self.org_own)
        self.person_other = PersonFactory(organisation=self.org_other)
        self.users = {}
        for role in Role:
            extra = {"organisation": self.org_own} if role == Role.APPLICANT else {}
            self.users[str(role)] = user_for_role(role, username=f"matrix_{role}", **extra)

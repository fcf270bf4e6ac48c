"""The menu each role sees, grouped by the stage of the programme (M17), with the to-do inbox's count on each group.
Apps add their entries here, so the top bar is one table, not scattered ifs; `INBOX_GROUP` says once which group a
waiting row (core/inbox.py) counts in."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minsheng.core.roles import Role

GOVERNMENT = {Role.OFFICER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER, Role.FINANCE, Role.AUDITOR, Role.ADMIN}
ALL_ROLES = set(Role)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset  # empty: shown to everyone, signed in or not

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def shown_to(self, role) -> bool:
        return not self.roles or role in self.roles


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    items: tuple[NavItem, ...]


# Outside the groups: the policy every page answers to, and the workbench with the inbox.
TOP = [
    NavItem(_("Policy and measures"), "policy:index", frozenset()),
    NavItem(_("My workspace"), "accounts:home", frozenset(ALL_ROLES)),
]

GROUPS = [
    NavGroup("needs", pgettext_lazy("menu group", "Needs and guidelines"), (
        NavItem(_("Report a problem"), "problems:submit", frozenset()),
        NavItem(_("Livelihood problems"), "problems:list", frozenset({
            Role.OFFICER, Role.ADMIN, Role.AUDITOR, Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER})),
        NavItem(_("Calls for proposals"), "calls:list", frozenset()),
        NavItem(_("Programmes"), "calls:programme_list", frozenset({Role.OFFICER, Role.ADMIN, Role.AUDITOR,
                                                                    Role.FINANCE})),
    )),
    NavGroup("applications", pgettext_lazy("menu group", "Applications and checks"), (
        NavItem(_("My applications"), "applications:list", frozenset({Role.APPLICANT})),
        NavItem(_("Applications"), "applications:list", frozenset({Role.OFFICER, Role.ADMIN,
                                                                   Role.DEPARTMENT_OFFICER})),
        NavItem(_("Formal check"), "checks:call_list", frozenset({Role.OFFICER, Role.DEPARTMENT_OFFICER,
                                                                   Role.AUDITOR, Role.ADMIN})),
    )),
    NavGroup("review", pgettext_lazy("menu group", "Expert review"), (
        NavItem(_("Expert pool"), "review:pool_list", frozenset(GOVERNMENT)),
        NavItem(_("Reviewer assignment"), "review:assignment_calls", frozenset({Role.OFFICER, Role.ADMIN})),
        NavItem(_("My reviews"), "review:my_assignments", frozenset({Role.EXPERT})),
        NavItem(_("My expert profile"), "review:my_profile", frozenset({Role.EXPERT})),
    )),
    NavGroup("contracts", pgettext_lazy("menu group", "Approval and contracts"), (
        NavItem(_("Funding plans"), "funding:call_list", frozenset(GOVERNMENT)),
        NavItem(_("Projects and task books"), "contracts:project_list", frozenset({
            Role.APPLICANT, Role.OFFICER, Role.FINANCE, Role.AUDITOR, Role.ADMIN})),
        NavItem(_("Disbursement queue"), "contracts:finance_queue", frozenset({Role.FINANCE})),
    )),
    NavGroup("execution", pgettext_lazy("menu group", "Execution and outcomes"), (
        NavItem(_("Progress reports"), "projects:queue", frozenset({Role.OFFICER, Role.AUDITOR, Role.ADMIN})),
        NavItem(_("Achievements"), "outcomes:achievements", frozenset(GOVERNMENT | {Role.APPLICANT})),
        NavItem(_("IP assets"), "outcomes:list", frozenset(GOVERNMENT | {Role.APPLICANT})),
        NavItem(_("Transfers"), "outcomes:transfers", frozenset(GOVERNMENT | {Role.APPLICANT})),
        NavItem(pgettext_lazy("menu", "Demonstration sites"), "outcomes:sites",
                frozenset(GOVERNMENT | {Role.APPLICANT})),
    )),
    NavGroup("registers", pgettext_lazy("menu group", "Registers"), (
        NavItem(_("Organisations"), "registry:organisation_list", frozenset(GOVERNMENT)),
        NavItem(_("People"), "registry:person_list", frozenset(GOVERNMENT)),
        NavItem(_("Innovation carriers"), "registry:carrier_list", frozenset()),
        NavItem(_("Service institutions"), "registry:service_list", frozenset()),
        NavItem(_("Shared facilities"), "registry:facility_list", frozenset()),
        NavItem(_("Cooperation partners"), "registry:partner_list", frozenset(GOVERNMENT)),
    )),
    NavGroup("system", pgettext_lazy("menu group", "System"), (
        NavItem(_("Audit trail"), "core:audit_list", frozenset({Role.AUDITOR, Role.ADMIN})),
        NavItem(_("Background jobs"), "jobs", frozenset({Role.ADMIN})),
    )),
]

# The group each waiting row of the inbox counts in (the keys of the apps' waiting.py), in one place.
INBOX_GROUP = {
    "problems.triage": "needs",
    "calls.approve": "needs",
    "calls.confirm": "needs",
    "applications.drafts": "applications",
    "applications.returned": "applications",
    "checks.check": "applications",
    "review.publish": "review",
    "review.overdue": "review",
    "review.respond": "review",
    "review.write": "review",
    "funding.approve": "contracts",
    "funding.objections": "contracts",
    "funding.decide": "contracts",
    "funding.confirm": "contracts",
    "funding.cofund": "contracts",
    "contracts.countersign": "contracts",
    "contracts.confirm": "contracts",
    "contracts.approve_tranche": "contracts",
    "contracts.pay": "contracts",
    "projects.decide_report": "execution",
    "projects.late_report": "execution",
    "projects.decide_change": "execution",
    "projects.check_acceptance": "execution",
    "projects.decide_acceptance": "execution",
    "projects.file_report": "execution",
    "projects.refile_acceptance": "execution",
    "projects.recoveries": "execution",
    "outcomes.ip_fee": "execution",
    "outcomes.ip_expiry": "execution",
    "registry.verify": "registers",
}


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: str | Promise
    items: list[NavItem]
    count: int            # what waits in the inbox for this group's stage
    active: bool = False  # the page shown is one of the group's


def _role(user):
    return getattr(user, "role", None) if user is not None and user.is_authenticated else None


def top_for(user) -> list[NavItem]:
    role = _role(user)
    return [item for item in TOP if item.shown_to(role)]


def groups_for(user, inbox=(), path: str = "") -> list[ShownGroup]:
    """The groups with at least one item for the user's role, each with its items and its inbox count."""
    role = _role(user)
    counts: dict[str, int] = {}
    for row in inbox:
        group = INBOX_GROUP.get(row.key)
        if group:
            counts[group] = counts.get(group, 0) + row.count
    shown = []
    for group in GROUPS:
        items = [item for item in group.items if item.shown_to(role)]
        if items:
            active = bool(path) and any(item.url == path for item in items)
            shown.append(ShownGroup(group.key, group.label, items, counts.get(group.key, 0), active))
    return shown


def menu_for(user) -> list[NavItem]:
    """Every entry the user's role sees, flat (the top entries, then each group's)."""
    return top_for(user) + [item for group in groups_for(user) for item in group.items]

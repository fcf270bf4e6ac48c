"""The menu each role sees. Apps add their entries here, so the top bar is one table, not scattered ifs."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


MENU = [
    NavItem(_("Policy and measures"), "policy:index", frozenset()),
    NavItem(_("My workspace"), "accounts:home", frozenset(ALL_ROLES)),
    NavItem(_("Organisations"), "registry:organisation_list", frozenset(GOVERNMENT)),
    NavItem(_("People"), "registry:person_list", frozenset(GOVERNMENT)),
    NavItem(_("Innovation carriers"), "registry:carrier_list", frozenset()),
    NavItem(_("Service institutions"), "registry:service_list", frozenset()),
    NavItem(_("Shared facilities"), "registry:facility_list", frozenset()),
    NavItem(_("Cooperation partners"), "registry:partner_list", frozenset(GOVERNMENT)),
    NavItem(_("Expert pool"), "review:pool_list", frozenset(GOVERNMENT)),
    NavItem(_("My expert profile"), "review:my_profile", frozenset({Role.EXPERT})),
    NavItem(_("My reviews"), "review:my_assignments", frozenset({Role.EXPERT})),
    NavItem(_("Reviewer assignment"), "review:assignment_calls", frozenset({Role.OFFICER, Role.ADMIN})),
    NavItem(_("Report a problem"), "problems:submit", frozenset()),
    NavItem(_("Livelihood problems"), "problems:list", frozenset({Role.OFFICER, Role.ADMIN, Role.AUDITOR,
                                                                   Role.DEPARTMENT_OFFICER, Role.DISTRICT_OFFICER})),
    NavItem(_("IP assets"), "outcomes:list", frozenset(GOVERNMENT | {Role.APPLICANT})),
    NavItem(_("Achievements"), "outcomes:achievements", frozenset(GOVERNMENT | {Role.APPLICANT})),
    NavItem(_("Transfers"), "outcomes:transfers", frozenset(GOVERNMENT | {Role.APPLICANT})),
    NavItem(_("Calls for proposals"), "calls:list", frozenset()),
    NavItem(_("Programmes"), "calls:programme_list", frozenset({Role.OFFICER, Role.ADMIN, Role.AUDITOR, Role.FINANCE})),
    NavItem(_("My applications"), "applications:list", frozenset({Role.APPLICANT})),
    NavItem(_("Applications"), "applications:list", frozenset({Role.OFFICER, Role.ADMIN, Role.DEPARTMENT_OFFICER})),
    NavItem(_("Formal check"), "checks:call_list", frozenset({Role.OFFICER, Role.DEPARTMENT_OFFICER, Role.AUDITOR,
                                                               Role.ADMIN})),
    NavItem(_("Projects and task books"), "contracts:project_list", frozenset({Role.APPLICANT, Role.OFFICER,
                                                                             Role.FINANCE, Role.AUDITOR, Role.ADMIN})),
    NavItem(_("Disbursement queue"), "contracts:finance_queue", frozenset({Role.FINANCE})),
    NavItem(_("Progress reports"), "projects:queue", frozenset({Role.OFFICER, Role.AUDITOR, Role.ADMIN})),
    NavItem(_("Funding plans"), "funding:call_list", frozenset(GOVERNMENT)),
    NavItem(_("Audit trail"), "core:audit_list", frozenset({Role.AUDITOR, Role.ADMIN})),
    NavItem(_("Background jobs"), "jobs", frozenset({Role.ADMIN})),
]


def menu_for(user) -> list[NavItem]:
    role = getattr(user, "role", None) if user is not None and user.is_authenticated else None
    return [item for item in MENU if not item.roles or role in item.roles]

"""Shared steps of the contracts tests: a project under way, its first tranche paid."""

from django.utils import timezone

from minsheng.contracts import services
from minsheng.contracts.models import Tranche
from minsheng.core.roles import Role
from tests.factories import user_for_role


def under_way(project, officer, applicant) -> list[Tranche]:
    """Issue, confirm and countersign the task book: the project starts and its tranches are planned."""
    book = services.issue(project, by=officer)
    services.confirm(book, revision=1, by=applicant)
    services.countersign(book, by=officer)
    return list(Tranche.objects.filter(project=project).order_by("order"))


def first_paid(project, officer, applicant, finance=None) -> list[Tranche]:
    """The project under way with its first tranche (50 % of the grant) requested, approved and paid today."""
    tranches = under_way(project, officer, applicant)
    finance = finance or user_for_role(Role.FINANCE)
    services.request_tranche(tranches[0], by=officer)
    services.approve_tranche(tranches[0], by=finance)
    services.record_payment(tranches[0], by=finance, paid_on=timezone.localdate(), reference="ICBC-0001")
    for tranche in tranches:
        tranche.refresh_from_db()
    return tranches

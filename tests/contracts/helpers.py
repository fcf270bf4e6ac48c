"""Shared steps of the contracts tests: a project under way, its first tranche paid, and two actions raced."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from minsheng.accounts.roles import Role
from minsheng.contracts import services
from minsheng.contracts.models import Tranche
from tests.factories import user_for_role

POSTGRES_ONLY = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="SQLite's shared in-memory test database locks tables instead of "
                                          "waiting; the race runs on PostgreSQL")


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


def race(actions) -> list[str]:
    """Run the actions at the same moment, each in its own thread and connection; "won" or "refused" each."""
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("won")
        except (ValidationError, PermissionDenied):
            outcomes.append("refused")
        except Exception as exc:  # anything else fails the test, shown in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)

"""The demo part: task books at every stage for the approved projects, once; nothing without projects."""

import pytest

from minsheng.accounts.roles import Role
from minsheng.contracts.models import TaskBook, Tranche
from minsheng.core.models import AuditEvent
from minsheng.demo import contracts as demo
from tests.factories import OrganisationFactory, user_for_role
from tests.factories.contracts import approved_project

pytestmark = pytest.mark.django_db


class Builder:
    created = 0

    def progress(self, n):
        pass


def test_nothing_without_projects_or_accounts():
    builder = Builder()
    demo.build(builder)
    assert builder.created == 0 and not TaskBook.objects.exists()


def test_every_stage_once():
    user_for_role(Role.OFFICER, username="officer")
    user_for_role(Role.FINANCE, username="finance")
    for _ in range(5):
        organisation = OrganisationFactory()
        user_for_role(Role.APPLICANT, organisation=organisation)
        approved_project(organisation=organisation)
    demo.build(Builder())
    states = sorted(TaskBook.objects.values_list("state", flat=True))
    assert states == ["confirmed", "draft", "signed", "signed", "signed", "superseded"]
    assert set(Tranche.objects.exclude(state="planned").values_list("state", flat=True)) == {"requested", "paid"}
    assert TaskBook.objects.filter(number=2, state="signed").count() == 1
    events = AuditEvent.objects.count()
    demo.build(Builder())
    assert AuditEvent.objects.count() == events

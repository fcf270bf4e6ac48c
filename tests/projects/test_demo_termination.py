"""The demo part "termination": one project terminated for misconduct with its recovery opened and partly paid
back and its lead debarred, one organisation's request waiting for review; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from minsheng.contracts.models import Tranche
from minsheng.funding.models import Project
from minsheng.projects.models import Recovery, RecoveryReceipt, Termination
from minsheng.registry.models import Debarment

pytestmark = pytest.mark.django_db


def test_the_demo_terminates_one_project_with_a_recovery_and_leaves_a_request_waiting():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    approved = Termination.objects.get(state=Termination.State.APPROVED)
    assert approved.project.state == Project.State.TERMINATED
    assert approved.proposed_by.username == "officer" and approved.decided_by.username == "officer2"
    assert approved.misused > 0 and approved.to_recover == approved.paid - approved.spent + approved.misused
    recovery = Recovery.objects.get()
    assert recovery.amount == approved.to_recover and 0 < recovery.received < recovery.amount
    assert not Tranche.objects.filter(project=approved.project, state__in=["planned", "requested", "approved"])
    assert Debarment.objects.get(person=approved.project.lead).clause == "M17"
    waiting = Termination.objects.get(state=Termination.State.REQUESTED)
    assert waiting.requested_by.organisation_id == waiting.project.organisation_id
    counts = (Termination.objects.count(), RecoveryReceipt.objects.count(), Debarment.objects.count())
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert (Termination.objects.count(), RecoveryReceipt.objects.count(), Debarment.objects.count()) == counts

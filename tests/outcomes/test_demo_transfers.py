"""The demo part "transfers": every kind of transfer, money received, some verified, a counterparty in Hong Kong
(M22), and one problem traced end to end to a verified exclusive licence of a patent from the IP register; the
domain's transfer rate has data; a second run adds nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.funding.models import Project
from minsheng.outcomes import transfer_rate
from minsheng.outcomes.models import Transfer, TransferReceipt
from minsheng.problems.models import Problem

pytestmark = pytest.mark.django_db


def test_the_demo_has_transfers_of_every_kind_and_one_problem_traced_to_a_licensed_patent():
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    transfers = Transfer.objects.all()
    assert set(transfers.values_list("kind", flat=True)) == set(Transfer.Kind.values)
    assert set(transfers.values_list("state", flat=True)) == set(Transfer.State.values)
    assert TransferReceipt.objects.exists() and transfers.filter(counterparty_region="HK").exists()
    for transfer in transfers:
        assert all(a.organisation_id == transfer.organisation_id for a in transfer.achievements.all())
        assert all(r.received_on >= transfer.contract_on for r in transfer.receipts.all())

    problem = Problem.objects.get(state=Problem.State.TOPIC, title__contains="急救")
    project = Project.objects.get(call__topics__problems=problem, state=Project.State.ACCEPTED,
                                  acceptance__state="passed")
    patent = project.achievements.get(kind="invention_patent", state="verified")
    assert patent.ip_asset is not None and project in patent.ip_asset.projects.all()
    licence = patent.transfers.get(kind="exclusive_licence", state="verified")
    assert licence.counterparty.name_zh == "深圳康宁医疗器械有限公司" and licence.receipts.count() == 2

    domain = project.call.domains.first()
    rate = transfer_rate.rate_of(Project.objects.filter(call__domains=domain), datetime.date(2000, 1, 1),
                                 clock.today())
    assert (rate.projects_accepted, rate.projects_with_transfer) == (2, 1)
    assert (rate.achievements_transferred, rate.achievements_transferable) == (1, 2)

    counts = (transfers.count(), TransferReceipt.objects.count(), AuditEvent.objects.count())
    call_command("demo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert (Transfer.objects.count(), TransferReceipt.objects.count(), AuditEvent.objects.count()) == counts

"""Termination and recovery on the pages, the API and the Excel export: finance's list of recoveries with what is
overdue, the workbook read back with openpyxl, the API read endpoints scoped like the pages, the debarment shown on
the registry pages to government readers only, and bad input answered with a message and nothing written."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.core import clock
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.projects import termination as ending
from minsheng.projects.models import RecoveryReceipt, Termination
from tests.factories import user_for_role
from tests.projects.test_termination import due, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def terminated(world):  # noqa: F811
    proposal = ending.propose_termination(world["project"], by=world["officer"], grounds="misconduct",
                                          reason="伪造数据", misused=[ending.Misused(Decimal("20000"), "购车")])
    termination = ending.approve_termination(proposal, by=world["second"], reason="同意", due_on=due(),
                                             debar=ending.Debar(organisation=True, reason="科研失信"))
    return {**world, "termination": termination, "recovery": termination.recovery}


def test_finance_sees_the_recovery_due_then_overdue_and_exports_it(client, terminated):
    client.force_login(terminated["finance"])
    page = client.get(reverse("projects:recoveries")).content.decode()
    assert terminated["project"].number in page and "27.00" in page and "data-ms-overdue" not in page
    with clock.reading(clock.now() + timedelta(days=40)):
        page = client.get(reverse("projects:recoveries") + "?show=overdue").content.decode()
        assert terminated["project"].number in page and "data-ms-overdue" in page
    assert terminated["project"].number not in client.get(
        reverse("projects:recoveries") + "?show=settled").content.decode()
    answer = client.get(reverse("projects:recoveries_export") + "?show=all")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == terminated["project"].number
    assert Decimal(str(rows[1][4])) == Decimal("27") and Decimal(str(rows[1][6])) == Decimal("27")
    assert AuditEvent.objects.filter(action="projects.recovery.export").count() == 1


def test_a_receipt_over_what_is_owed_is_refused_on_the_page_with_nothing_written(client, terminated):
    from tests.once import drawn

    client.force_login(terminated["finance"])
    url = reverse("projects:receipt", kwargs={"pk": terminated["recovery"].pk})
    answer = client.post(url, drawn({"amount": "27.01", "received_on": clock.today().isoformat(),
                                     "bank_reference": "ICBC-1"}))
    assert answer.status_code == 409 and "27.01" in answer.content.decode()
    assert not RecoveryReceipt.objects.exists()
    answer = client.post(url, drawn({"amount": "27", "received_on": clock.today().isoformat(),
                                     "bank_reference": "ICBC-1"}))
    assert answer.status_code == 302
    terminated["recovery"].refresh_from_db()
    assert terminated["recovery"].settled_on == clock.today()


def test_the_api_reads_terminations_and_recoveries_in_scope(client, terminated):
    client.force_login(terminated["applicant"])
    rows = client.get("/api/v1/projects/terminations/").json()
    rows = rows.get("results", rows)
    assert [r["grounds"] for r in rows] == ["misconduct"] and rows[0]["to_recover"] == "270000.00"
    assert rows[0]["clause"] == "M17" and rows[0]["misused"] == [{"amount": "20000.00", "reason": "购车"}]
    recovery = client.get(f"/api/v1/projects/recoveries/{terminated['recovery'].pk}/").json()
    assert recovery["outstanding"] == "270000.00" and recovery["overdue"] is False
    client.force_login(user_for_role(Role.APPLICANT))
    assert client.get(f"/api/v1/projects/recoveries/{terminated['recovery'].pk}/").status_code == 404


def test_the_debarment_shows_on_the_registry_page_to_government_only(client, terminated):
    organisation = terminated["project"].organisation
    url = reverse("registry:organisation_detail", kwargs={"pk": organisation.pk})
    client.force_login(terminated["officer"])
    page = client.get(url).content.decode()
    assert "data-ms-debarments" in page and "科研失信" in page
    client.force_login(terminated["applicant"])
    assert "科研失信" not in client.get(url).content.decode()


def test_the_proposal_page_refuses_a_recovery_larger_than_paid(client, world):  # noqa: F811
    client.force_login(world["officer"])
    answer = client.post(reverse("projects:terminate", kwargs={"pk": world["project"].pk}),
                         {"grounds": "misconduct", "reason": "挪用", "misused_1": "16", "misused_1_reason": "购车"})
    assert answer.status_code == 409 and not Termination.objects.exists()
    assert "40" in answer.content.decode()      # the money paid, in 万元, in the message


def test_open_terminations_wait_on_the_officers_list_and_a_terminated_project_records_no_spending(client, world):  # noqa: F811
    from django.core.exceptions import ValidationError

    from minsheng.contracts import services as contracts

    request = ending.request_termination(world["project"], by=world["applicant"], reason="团队解散")
    client.force_login(world["officer"])
    page = client.get(reverse("projects:queue")).content.decode()
    assert f'data-ms-termination-row="{world["project"].number}"' in page
    ending.endorse_request(request, by=world["officer"])
    ending.approve_termination(request, by=world["second"], reason="同意", due_on=due())
    assert f'data-ms-termination-row="{world["project"].number}"' not in client.get(
        reverse("projects:queue")).content.decode()
    category = world["project"].task_books.get().budget_lines.first().category
    with pytest.raises(ValidationError) as caught:
        contracts.record_expenditure(world["project"], by=world["applicant"], category=category,
                                     amount=Decimal("1"), spent_on=clock.today(), description="终止后")
    assert caught.value.code == "terminated"

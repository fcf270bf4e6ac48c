"""Task books, tranches and expenditures in the admin: looked up (list, search, detail), never added, changed or
deleted there."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from minsheng.contracts import services
from minsheng.contracts.models import Expenditure, TaskBook, Tranche
from tests.contracts.helpers import first_paid

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [TaskBook, Tranche, Expenditure])
def test_contracts_rows_are_read_only_in_the_admin(admin_client, model, project, officer, finance, applicant):
    first_paid(project, officer, applicant, finance)
    services.record_expenditure(project, by=applicant, category="equipment", amount=Decimal("1000"),
                                spent_on=timezone.localdate(), description="试剂", voucher="记-1")
    name = f"admin:contracts_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{name}_changelist"), {"q": project.number}).status_code == 200
    assert admin_client.get(reverse(f"{name}_add")).status_code == 403
    row = model.objects.first()
    page = admin_client.get(reverse(f"{name}_change", args=[row.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin_client.post(reverse(f"{name}_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()

"""Funding in the admin: every model can be looked up (list, search, detail), none can be added, changed or
deleted there."""

import pytest
from django.urls import reverse

from minsheng.funding.models import CoFunding, FundingPlan, Objection, Project
from tests.factories.funding import decided_plan, frozen_call

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [FundingPlan, CoFunding, Objection, Project])
def test_funding_rows_are_read_only_in_the_admin(admin_client, model):
    decided_plan(frozen_call())
    name = f"admin:funding_{model._meta.model_name}"
    listing = admin_client.get(reverse(f"{name}_changelist"), {"q": "x"})
    assert listing.status_code == 200
    assert admin_client.get(reverse(f"{name}_add")).status_code == 403
    row = model.objects.first()
    if row is not None:
        page = admin_client.get(reverse(f"{name}_change", args=[row.pk]))
        assert page.status_code == 200 and b'name="_save"' not in page.content
        assert admin_client.post(reverse(f"{name}_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=row.pk).exists()

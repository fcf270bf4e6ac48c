"""`projects/changes` in the API: the change requests, scoped like the pages (404 outside)."""

import pytest
from rest_framework.test import APIClient

from minsheng.core.roles import Role
from minsheng.projects import services
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db


def test_the_change_requests_read_as_on_the_pages(project, applicant, officer):
    change = services.request_change(project, by=applicant, kind="budget", reason="设备降价",
                                     proposal={"from": "equipment", "to": "labour", "amount": "10000"})
    services.reject_change(change, by=officer, reason="理由不充分")
    client = APIClient()
    client.force_authenticate(applicant)
    rows = client.get("/api/v1/projects/changes/").json()
    row = rows["results"][0] if isinstance(rows, dict) else rows[0]
    assert row["id"] == change.pk and row["state"] == "rejected" and row["comments"] == "理由不充分"
    assert row["clause"] == "M20" and row["from_version"] == 1 and row["new_version"] is None
    stranger = user_for_role(Role.APPLICANT)
    client.force_authenticate(stranger)
    assert client.get(f"/api/v1/projects/changes/{change.pk}/").status_code == 404
    client.force_authenticate(user_for_role(Role.EXPERT))
    assert client.get("/api/v1/projects/changes/").status_code == 403

"""Excel exports: the rows the list shows, headers in the page's language, audited, rate-limited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.registry.models import Organisation
from tests.factories import CarrierFactory, OrganisationFactory, PersonFactory, user_for_role
from tests.registry.conftest import login

pytestmark = pytest.mark.django_db


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_organisation_export_has_the_filtered_rows_with_chinese_headers(client, officer):
    pending = OrganisationFactory.create_batch(2, state=Organisation.State.PENDING)
    OrganisationFactory.create_batch(3)
    login(client, officer)
    headers, rows = sheet(client.get(reverse("registry:organisation_export"), {"state": "pending"}))
    assert headers[0] == "统一社会信用代码" and "中文名称" in headers
    assert sorted(r[0] for r in rows) == sorted(o.credit_code for o in pending)
    assert {r[headers.index("审核状态")] for r in rows} == {"待审核"}


def test_export_headers_follow_the_page_language(client, officer):
    OrganisationFactory()
    login(client, officer)
    client.cookies["minsheng_language"] = "en"
    headers, rows = sheet(client.get(reverse("registry:organisation_export")))
    assert headers[0] == "unified social credit code" and len(rows) == 1


def test_export_is_audited_with_its_filters(client, officer):
    OrganisationFactory.create_batch(2, state=Organisation.State.PENDING)
    login(client, officer)
    client.get(reverse("registry:organisation_export"), {"state": "pending", "q": "深圳"})
    event = AuditEvent.objects.get(action="registry.organisation.export")
    assert event.actor == officer
    assert event.new == {"filters": {"q": "深圳", "state": "pending"}, "rows": 2}


def test_export_is_rate_limited(client, officer, room_in_window):
    login(client, officer)
    room_in_window(officer)
    statuses = [client.get(reverse("registry:carrier_export")).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert AuditEvent.objects.filter(action="registry.innovationcarrier.export").count() == 10


def test_applicant_exports_only_its_own_organisation(client, applicant, own_org, other_org):
    login(client, applicant)
    _headers, rows = sheet(client.get(reverse("registry:organisation_export")))
    assert [r[0] for r in rows] == [own_org.credit_code]


def test_people_export_shows_contacts_only_to_those_who_manage_them(client, officer, own_person):
    login(client, officer)
    headers, rows = sheet(client.get(reverse("registry:person_export")))
    assert "电话" in headers and rows[0][headers.index("电话")] == own_person.phone
    assert rows[0][headers.index("身份证号（脱敏）")] == own_person.id_number_masked
    login(client, user_for_role(Role.AUDITOR))
    headers, rows = sheet(client.get(reverse("registry:person_export")))
    assert "电话" not in headers and own_person.phone not in str(rows)


def test_people_export_has_no_full_identity_numbers(client, officer):
    PersonFactory(id_number_masked="440305********1234")
    login(client, officer)
    _headers, rows = sheet(client.get(reverse("registry:person_export")))
    assert "440305********1234" in str(rows)


def test_public_directory_export_works_anonymously(client):
    carrier = CarrierFactory()
    _headers, rows = sheet(client.get(reverse("registry:carrier_export"), {"level": "municipal"}))
    assert rows[0][0] == carrier.name_zh
    event = AuditEvent.objects.get(action="registry.innovationcarrier.export")
    assert event.actor is None and event.new["rows"] == 1

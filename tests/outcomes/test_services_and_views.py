"""The IP register: services (canonical numbers, unique per kind with a clear message, dates against status,
own organisation only for applicants, audit with M19), pages (scope, search, filters, export), the organisation
page's IP section and the read API."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.outcomes import services
from minsheng.outcomes.models import IPAsset
from tests.factories import domain, user_for_role
from tests.factories.outcomes import IPAssetFactory, patent_number

pytestmark = pytest.mark.django_db

D = datetime.date


def values(owner, **extra):
    return {"owner": owner, "kind": "invention_patent", "number": "ZL 201080063196.9", "title": "一种远程诊疗方法",
            "domain": domain("D01"), "status": "granted", "filed_on": D(2010, 12, 1), "granted_on": D(2013, 5, 1),
            **extra}


def test_create_stores_the_canonical_number_and_cites_m19(officer, own_org):
    asset = services.create_ip_asset(by=officer, values=values(own_org))
    assert asset.number == "201080063196.9" and asset.owner == own_org
    assert AuditEvent.objects.get(action="outcomes.ipasset.create").clause == "M19"


def test_the_same_number_typed_differently_is_a_duplicate_with_a_clear_message(officer, own_org, other_org):
    services.create_ip_asset(by=officer, values=values(own_org))
    with pytest.raises(ValidationError) as caught:
        services.create_ip_asset(by=officer, values=values(other_org, number="CN2010 8006 3196.9"))
    assert list(caught.value.message_dict) == ["number"]
    assert caught.value.message_dict["number"] == [str(services.DUPLICATE)]
    assert IPAsset.objects.count() == 1


def test_the_database_refuses_a_duplicate_that_slips_past(own_org):
    IPAssetFactory(owner=own_org, number=patent_number(7))
    with pytest.raises(IntegrityError), transaction.atomic():
        IPAsset.objects.create(kind="invention_patent", number=patent_number(7), title="x", owner=own_org)


@pytest.mark.parametrize(("extra", "field"), [
    ({"number": "201080063196.8"}, "number"),
    ({"kind": "utility_model"}, "number"),
    ({"granted_on": None}, "granted_on"),
    ({"status": "filed"}, "granted_on"),
    ({"granted_on": D(2009, 1, 1)}, "granted_on"),
    ({"expires_on": D(2012, 1, 1)}, "expires_on"),
    ({"filed_on": D(2011, 1, 1), "granted_on": D(2013, 1, 1)}, "filed_on"),
])
def test_bad_input_names_the_field_and_writes_nothing(officer, own_org, extra, field):
    with pytest.raises(ValidationError) as caught:
        services.create_ip_asset(by=officer, values=values(own_org, **extra))
    assert field in caught.value.message_dict
    assert not IPAsset.objects.exists() and not AuditEvent.objects.filter(action__startswith="outcomes").exists()


def test_an_applicant_registers_for_its_own_organisation_only(applicant, own_org, other_org):
    asset = services.create_ip_asset(by=applicant, values=values(other_org))
    assert asset.owner == own_org
    with pytest.raises(PermissionDenied):
        services.update_ip_asset(asset=asset, by=applicant, changes={"owner": other_org})
    theirs = IPAssetFactory(owner=other_org)
    with pytest.raises(PermissionDenied):
        services.update_ip_asset(asset=theirs, by=applicant, changes={"title": "改"})


@pytest.mark.parametrize("role", [Role.EXPERT, Role.DEPARTMENT_OFFICER, Role.AUDITOR, Role.FINANCE])
def test_other_roles_do_not_write(role, own_org):
    with pytest.raises(PermissionDenied):
        services.create_ip_asset(by=user_for_role(role), values=values(own_org))


def test_update_keeps_the_number_canonical_and_unique(officer, own_org):
    first = IPAssetFactory(owner=own_org, number=patent_number(1))
    second = IPAssetFactory(owner=own_org, number=patent_number(2))
    updated = services.update_ip_asset(asset=first, by=officer, changes={"number": "ZL" + patent_number(3),
                                                                         "title": "改名"})
    assert updated.number == patent_number(3) and updated.title == "改名"
    with pytest.raises(ValidationError):
        services.update_ip_asset(asset=first, by=officer, changes={"number": patent_number(2)})
    assert IPAsset.objects.get(pk=second.pk).number == patent_number(2)
    assert AuditEvent.objects.filter(action="outcomes.ipasset.update", clause="M19").count() == 1


def test_pages_are_scoped_and_the_other_organisations_asset_is_404(client, applicant, own_org, other_org):
    own, other = IPAssetFactory(owner=own_org), IPAssetFactory(owner=other_org)
    client.force_login(applicant)
    assert list(client.get(reverse("outcomes:list")).context["page_obj"]) == [own]
    assert client.get(reverse("outcomes:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("outcomes:edit", args=[other.pk])).status_code == 404
    assert client.get(f"/api/v1/ip/assets/{other.pk}/").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/ip/assets/").json()["results"]] == [own.pk]


def test_the_form_shows_service_errors_on_their_fields(client, applicant, own_org):
    client.force_login(applicant)
    data = {"kind": "invention_patent", "number": "ZL201080063196.8", "title": "x", "status": "granted",
            "filed_on": "2010-12-01"}
    response = client.post(reverse("outcomes:create"), data)
    assert response.status_code == 200
    assert {"number", "granted_on"} <= set(response.context["form"].errors)
    data.update(number="ZL201080063196.9", granted_on="2013-05-01", owner="999999")  # owner is not the applicant's
    assert client.post(reverse("outcomes:create"), data).status_code == 302
    assert IPAsset.objects.get().owner == own_org


def test_list_search_filters_and_export(client, officer, own_org, other_org):
    IPAssetFactory(owner=own_org, title="一种慢病管理方法", status="granted")
    IPAssetFactory(owner=other_org, title="一种污水处理方法", domain=domain("D02"), status="lapsed",
                   granted_on=D(2023, 1, 1))
    client.force_login(officer)
    url = reverse("outcomes:list")
    assert client.get(url, {"q": "污水"}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"q": own_org.credit_code}).context["page_obj"].paginator.count == 1
    assert client.get(url, {"domain": "D02"}).context["page_obj"].paginator.count == 1
    assert client.get(url).context["state"].counts == {"granted": 1, "lapsed": 1}
    rows = list(load_workbook(io.BytesIO(client.get(reverse("outcomes:export"), {"status": "granted"}).content))
                .active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "一种慢病管理方法"
    assert AuditEvent.objects.get(action="outcomes.ipasset.export").new["rows"] == 1


@pytest.mark.parametrize("rows", [1, 20])
def test_the_list_runs_a_fixed_number_of_queries(client, officer, own_org, rows, django_assert_max_num_queries):
    for _ in range(rows):
        IPAssetFactory(owner=own_org)
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("outcomes:list")).status_code == 200


def test_the_organisation_page_shows_its_ip(client, officer, applicant, own_org, other_org):
    own = IPAssetFactory(owner=own_org, title="本单位的专利")
    IPAssetFactory(owner=other_org, title="他单位的专利")
    client.force_login(applicant)
    html = client.get(reverse("registry:organisation_detail", args=[own_org.pk])).content.decode()
    assert "本单位的专利" in html and "他单位的专利" not in html and 'data-ms-organisation-ip' in html
    client.force_login(officer)
    html = client.get(reverse("registry:organisation_detail", args=[other_org.pk])).content.decode()
    assert "他单位的专利" in html and own.title not in html


def test_the_detail_warns_of_an_overdue_fee(client, officer, own_org):
    asset = IPAssetFactory(owner=own_org, next_fee_due=D(2020, 1, 1))
    client.force_login(officer)
    assert client.get(reverse("outcomes:detail", args=[asset.pk])).context["fee_overdue"]

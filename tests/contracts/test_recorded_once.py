"""Money forms are recorded once, however often they are sent: each drawing of an expenditure or tranche form
carries a one-time token, and the same form sent again (a retry after a lost answer or a crash) is answered "already
recorded" with nothing written twice; the token sent with other values, or without a token, is refused; a refused
send leaves its token for the corrected one; the API's approve and return take the same as an Idempotency-Key."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from minsheng.contracts import services
from minsheng.contracts.models import Expenditure, Tranche
from minsheng.core import once
from minsheng.core.models import AuditEvent, OneTimeToken
from tests.contracts.helpers import first_paid
from tests.once import token_in
from tests.races import postgresql_only, race

pytestmark = pytest.mark.django_db
ALREADY = "本次未重复登记"
State = Tranche.State


def _said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _drawn_as(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _expense(token: str, amount: str = "2", **extra) -> dict:
    return {"spent_on": timezone.localdate().isoformat(), "category": "equipment", "amount": amount,
            "description": "采购试剂", "voucher": "记-ONCE", once.FIELD: token, **extra}


@pytest.fixture
def paid(project, officer, finance, applicant):
    """The project under way, its first tranche (40 万元) paid; the project page's and the expenditure form's URL."""
    tranches = first_paid(project, officer, applicant, finance)
    return {"tranches": tranches, "page": reverse("contracts:project", args=[project.pk]),
            "add": reverse("contracts:expenditure_add", args=[project.pk])}


def test_an_expenditure_form_sent_twice_is_recorded_once(client, project, applicant, paid):
    token = token_in(_drawn_as(client, applicant, paid["page"]), "data-ms-expenditure-form")
    first = client.post(paid["add"], _expense(token))
    assert first.status_code == 302 and "已登记 2 万元的经费支出" in _said(first)
    again = client.post(paid["add"], _expense(token))      # the same form, sent again after a lost answer
    assert again.status_code == 302 and again.url == paid["page"]
    assert ALREADY in _said(again)
    expenditure = Expenditure.objects.get(project=project)
    assert AuditEvent.objects.filter(action="contracts.expenditure.record").count() == 1
    claim = OneTimeToken.objects.get(key=token)
    assert (claim.user, claim.action) == (applicant, "contracts.expenditure.record")
    assert (claim.target_type, claim.target_id) == ("contracts.expenditure", str(expenditure.pk))


def test_each_drawing_of_a_form_has_a_new_token_and_drawing_writes_nothing(client, applicant, paid):
    first = token_in(_drawn_as(client, applicant, paid["page"]), "data-ms-expenditure-form")
    second = token_in(_drawn_as(client, applicant, paid["page"]), "data-ms-expenditure-form")
    assert first != second and len(first) == 32
    assert not OneTimeToken.objects.exists()


def test_the_token_sent_again_with_other_values_is_refused(client, project, applicant, paid):
    token = token_in(_drawn_as(client, applicant, paid["page"]), "data-ms-expenditure-form")
    assert client.post(paid["add"], _expense(token)).status_code == 302
    other = client.post(paid["add"], _expense(token, amount="3"))
    assert other.status_code == 409
    assert "该表单已以不同的内容提交过" in other.content.decode()
    assert list(Expenditure.objects.filter(project=project).values_list("amount", flat=True)) == [Decimal("20000")]


def test_a_refused_send_leaves_its_token_for_the_corrected_one(client, project, applicant, paid):
    token = token_in(_drawn_as(client, applicant, paid["page"]), "data-ms-expenditure-form")
    refused = client.post(paid["add"], _expense(token, amount="41"))      # more than the 40 万元 paid
    assert refused.status_code == 409 and "只能支出已到账的经费" in refused.content.decode()
    assert not OneTimeToken.objects.exists()
    corrected = client.post(paid["add"], _expense(token, amount="4"))
    assert corrected.status_code == 302 and "已登记 4 万元的经费支出" in _said(corrected)
    assert Expenditure.objects.filter(project=project).count() == 1


@pytest.mark.parametrize("token", [None, "", "short", "x" * 129, "有效的令牌有效的令牌有效的令牌有效的"])
def test_a_money_form_without_a_valid_token_is_refused_and_records_nothing(client, project, applicant, paid, token):
    client.force_login(applicant)
    data = _expense(token or "")
    if token is None:
        del data[once.FIELD]
    response = client.post(paid["add"], data)
    assert response.status_code == 409
    assert "该表单缺少有效的一次性令牌。请刷新页面后重新提交" in response.content.decode()
    assert not Expenditure.objects.filter(project=project).exists()


def test_a_token_is_the_senders_own(client, project, applicant, finance, paid):
    """The same token from two people is two forms: tokens are kept per user, and one person's never answers
    another's."""
    token = once.new_token()
    client.force_login(applicant)
    assert client.post(paid["add"], _expense(token, voucher="记-A")).status_code == 302
    client.force_login(finance)
    response = client.post(paid["add"], _expense(token, voucher="记-F"))
    assert response.status_code == 302 and ALREADY not in _said(response)
    assert sorted(Expenditure.objects.filter(project=project).values_list("voucher", flat=True)) == ["记-A", "记-F"]


def test_a_reversal_sent_twice_is_recorded_once(client, project, applicant, paid):
    record = services.record_expenditure(project, by=applicant, category="equipment", amount=Decimal("30000"),
                                         spent_on=timezone.localdate(), description="设备", voucher="记-9")
    token = token_in(_drawn_as(client, applicant, paid["page"]), f'data-ms-reverse="{record.pk}"')
    url = reverse("contracts:expenditure_reverse", args=[record.pk])
    form = {"reason": "金额多录一位", once.FIELD: token}
    assert "已冲销" in _said(client.post(url, form))
    again = client.post(url, form)
    assert ALREADY in _said(again) and "已被冲销" not in _said(again)
    assert Expenditure.objects.filter(reverses=record).count() == 1


def _requested(paid, officer):
    services.request_tranche(paid["tranches"][1], by=officer, note="中期检查通过")


def _approved(paid, officer, finance):
    _requested(paid, officer)
    services.approve_tranche(paid["tranches"][1], by=finance)


STEPS = {
    # step: (who sends it, what comes before, its form on the project page, what it sends, the state after)
    "request": ("officer", lambda paid, officer, finance: None, 'data-ms-request="2"',
                {"note": "中期检查通过"}, State.REQUESTED),
    "approve": ("finance", lambda paid, officer, finance: _requested(paid, officer), 'data-ms-approve="2"',
                {}, State.APPROVED),
    "return": ("finance", lambda paid, officer, finance: _requested(paid, officer), 'data-ms-return="2"',
               {"reason": "请补充中期检查结论"}, State.PLANNED),
    "pay": ("finance", _approved, 'data-ms-pay="2"',
            {"paid_on": timezone.localdate().isoformat(), "reference": "ICBC-0002"}, State.PAID),
}


@pytest.mark.parametrize("step", STEPS)
def test_a_tranche_step_sent_twice_is_recorded_once(client, officer, finance, paid, step):
    who, before, marker, data, after = STEPS[step]
    before(paid, officer, finance)
    user = {"officer": officer, "finance": finance}[who]
    second = paid["tranches"][1]
    token = token_in(_drawn_as(client, user, paid["page"]), marker)
    url = reverse(f"contracts:tranche_{step}", args=[second.pk])
    form = {**data, once.FIELD: token}
    first = client.post(url, form)
    assert first.status_code == 302 and ALREADY not in _said(first)
    again = client.post(url, form)
    assert again.status_code == 302 and again.url == paid["page"]
    assert ALREADY in _said(again)
    assert "不能" not in _said(again)          # not "this tranche is now …, so it cannot be …"
    assert Tranche.objects.get(pk=second.pk).state == after
    assert AuditEvent.objects.filter(action=f"contracts.tranche.{step}", target_id=str(second.pk)).count() == 1


# --- The API: Idempotency-Key --------------------------------------------------------------------------------

def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_approval_sent_twice_with_its_idempotency_key_is_recorded_once(officer, finance, paid):
    _requested(paid, officer)
    second = paid["tranches"][1]
    url = reverse("contracts-disbursement-approve", args=[second.pk])
    key = "5d0f7c1e-8a4b-4c2e-9f3a-1b2c3d4e5f60"
    first = _api(finance).post(url, format="json", headers={"Idempotency-Key": key})
    assert first.status_code == 200 and first.json()["state"] == "approved"
    assert "Idempotent-Replayed" not in first
    again = _api(finance).post(url, format="json", headers={"Idempotency-Key": key})
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert AuditEvent.objects.filter(action="contracts.tranche.approve", target_id=str(second.pk)).count() == 1
    reused = _api(finance).post(reverse("contracts-disbursement-return", args=[second.pk]), {"reason": "x"},
                                format="json", headers={"Idempotency-Key": key})
    assert reused.status_code == 422 and reused.json()["code"] == "one_time_token_reused"
    assert Tranche.objects.get(pk=second.pk).state == State.APPROVED


def test_a_return_with_its_key_and_another_reason_is_refused(officer, finance, paid):
    _requested(paid, officer)
    second = paid["tranches"][1]
    url = reverse("contracts-disbursement-return", args=[second.pk])
    headers = {"Idempotency-Key": "return-2-" + once.new_token()}
    assert _api(finance).post(url, {"reason": "请补充"}, format="json", headers=headers).status_code == 200
    other = _api(finance).post(url, {"reason": "另一个原因"}, format="json", headers=headers)
    assert other.status_code == 422
    assert Tranche.objects.get(pk=second.pk).return_reason == "请补充"


def test_a_malformed_idempotency_key_is_refused_and_no_key_acts_as_before(officer, finance, paid):
    _requested(paid, officer)
    second = paid["tranches"][1]
    url = reverse("contracts-disbursement-approve", args=[second.pk])
    bad = _api(finance).post(url, format="json", headers={"Idempotency-Key": "too short"})
    assert bad.status_code == 400 and bad.json()["code"] == "idempotency_key"
    assert Tranche.objects.get(pk=second.pk).state == State.REQUESTED
    assert _api(finance).post(url, format="json").status_code == 200
    stale = _api(finance).post(url, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"


def test_the_api_schema_documents_the_idempotency_key(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for action in ("approve", "return"):
        operation = schema["paths"][f"/api/v1/contracts/disbursements/{{id}}/{action}/"]["post"]
        header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
        assert header["in"] == "header" and not header.get("required")
        assert {"400", "422"} <= set(operation["responses"])


# --- Two copies at the same moment (PostgreSQL) -------------------------------------------------------------

@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_copies_of_a_form_sent_at_the_same_moment_record_once(project, applicant, paid):
    token = once.new_token()
    clients = [Client(), Client()]
    for each in clients:
        each.force_login(applicant)
    answers = []
    outcomes = race([lambda c=c: answers.append(c.post(paid["add"], _expense(token))) for c in clients])
    assert outcomes == ["won", "won"]
    assert sorted(a.status_code for a in answers) == [302, 302]
    assert sorted(ALREADY in _said(a) for a in answers) == [False, True]
    assert Expenditure.objects.filter(project=project).count() == 1


def test_used_tokens_are_looked_up_in_the_admin_never_changed(admin_client, client, applicant, paid):
    token = token_in(_drawn_as(client, applicant, paid["page"]), "data-ms-expenditure-form")
    client.post(paid["add"], _expense(token))
    claim = OneTimeToken.objects.get(key=token)
    page = admin_client.get(reverse("admin:core_onetimetoken_changelist"), {"q": applicant.username})
    assert page.status_code == 200 and "contracts.expenditure.record" in page.content.decode()
    assert admin_client.get(reverse("admin:core_onetimetoken_add")).status_code == 403
    change = admin_client.get(reverse("admin:core_onetimetoken_change", args=[claim.pk]))
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert admin_client.post(reverse("admin:core_onetimetoken_delete", args=[claim.pk]),
                             {"post": "yes"}).status_code == 403

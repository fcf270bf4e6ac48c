"""People's contact details stay out of the audit trail in clear, and can be erased on request (PIPL).

Each flow is run as the person does it (the public problem form, self-registration, the registry's person form), then
every stored event is read back whole: the details must appear nowhere, the chain must verify, and erasing them
must leave nothing that still answers to them.
"""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from minsheng.core import audit, personal, readable, services
from minsheng.core.models import AuditEvent, PersonalDataKey
from minsheng.core.roles import Role
from minsheng.policy.models import District
from minsheng.problems.models import Problem
from minsheng.registry.models import Organisation, Person
from tests.factories import OrganisationFactory, user_for_role

pytestmark = pytest.mark.django_db

PHONE, EMAIL, NAME = "13912345678", "citizen.zhang@example.cn", "张晓梅"
REPORT = {"title": "路口行人绿灯时间太短", "description": "某路口行人绿灯只有十五秒，老人和残疾人走到一半就变红灯。",
          "affected": "老人、残疾人"}


def everything_recorded() -> str:
    """Every column of every event, as stored."""
    rows = AuditEvent.objects.order_by("seq").values()
    return json.dumps(list(rows), ensure_ascii=False, default=str)


def submit_problem(client, **contact) -> Problem:
    token = client.get(reverse("problems:submit")).context["form_token"]
    response = client.post(reverse("problems:submit"), {**REPORT, "form_token": token, **contact})
    assert response.status_code == 200
    return Problem.objects.get(tracking_code=response.context["code"])


@pytest.fixture
def admin_user():
    return user_for_role(Role.ADMIN, username="sysadmin")


@pytest.fixture
def problem(client):
    return submit_problem(client, contact_name=NAME, contact_phone=PHONE, contact_email=EMAIL)


# --- Nothing in clear ---------------------------------------------------------------------------------------------

def test_a_citizens_problem_leaves_no_contact_detail_in_the_trail(problem):
    assert (problem.contact_name, problem.contact_phone, problem.contact_email) == (NAME, PHONE, EMAIL)
    stored = everything_recorded()
    for detail in (NAME, PHONE, EMAIL):
        assert detail not in stored
    event = AuditEvent.objects.get(action="calls.problem.create")
    for name in Problem.personal_fields:
        assert personal.TOKEN.fullmatch(event.new[name])
    assert event.new["title"] == REPORT["title"]        # what is not personal stays as it was
    assert list(audit.verify()) == []


def test_registering_an_organisation_leaves_no_contact_detail_in_the_trail(client):
    response = client.post(reverse("accounts:register"), {
        "credit_code": "91440300MA5FXXXXXM", "name_zh": "深圳市隐私测试科技有限公司", "name_en": "",
        "kind": Organisation.Kind.ENTERPRISE, "district": District.objects.get(code="nanshan").pk,
        "address": "深圳市南山区科技园南区1栋", "contact_name": "王五", "contact_phone": "0755-26001234",
        "contact_email": "office@privacy-test.cn", "last_name": "李", "first_name": "四", "username": "lisi_p",
        "email": "lisi@privacy-test.cn", "phone": "13800138000",
        "password1": "Livelihood-Tech-2026", "password2": "Livelihood-Tech-2026"})
    assert response.status_code == 302
    stored = everything_recorded()
    for detail in ("王五", "0755-26001234", "office@privacy-test.cn", "lisi@privacy-test.cn", "13800138000"):
        assert detail not in stored
    assert "深圳市隐私测试科技有限公司" in stored and "lisi_p" in stored   # who and what stay readable
    assert list(audit.verify()) == []


def test_registering_a_person_leaves_no_contact_detail_or_identity_number_in_the_trail(client):
    organisation = OrganisationFactory()
    client.force_login(user_for_role(Role.APPLICANT, organisation=organisation))
    response = client.post(reverse("registry:person_create"), {
        "name": "赵敏", "title": "senior", "identity_number": "11010519491231002X", "email": "zhaomin@example.cn",
        "phone": "13698765432"})
    assert response.status_code == 302
    person = Person.objects.get(name="赵敏")
    assert person.email == "zhaomin@example.cn"
    stored = everything_recorded()
    for detail in ("zhaomin@example.cn", "13698765432", person.id_number_masked, "11010519491231002X"):
        assert detail not in stored
    assert "赵敏" in stored
    assert list(audit.verify()) == []


def test_contact_details_typed_into_free_text_are_tokens_too(client):
    problem = submit_problem(client, contact_phone=PHONE)
    officer = user_for_role(Role.OFFICER)
    services.update_audited(problem, by=officer, changes={"description": "请拨打 0755-88776655 或写信 a.b@example.cn"},
                            reason=f"市民来电 {PHONE} 补充说明")
    event = AuditEvent.objects.get(action="calls.problem.update")
    stored = json.dumps([event.new, event.reason], ensure_ascii=False)
    for detail in ("0755-88776655", "a.b@example.cn", PHONE):
        assert detail not in stored
    assert "市民来电" in event.reason and "请拨打" in event.new["description"]


@pytest.mark.parametrize("text", [
    "1300000.00", "13000000000.00", "91440300MA5FXXXXXM", "2026-08-27T09:00:00+00:00", "ICBC-8890419556",
    "201912871348.3", "MSZN-2026-002-0001", "XM2026-0005-004", "16aff421f0250ec3c8b7259f1c7d3174",
])
def test_figures_that_are_not_contact_details_are_left_alone(text):
    assert personal.Tokens().text(text) == text
    assert not personal.holds_clear_contact(text)


@pytest.mark.parametrize("text", [
    "13800138000", "+86 138 0013 8000", "电话13800138000联系", "0755-26001234", "me@example.com.cn",
    "身份证 11010519491231002X",
])
def test_contact_details_are_found_in_text(text):
    assert personal.holds_clear_contact(text)
    assert not personal.holds_clear_contact(personal.Tokens().text(text))


def test_the_same_detail_of_the_same_record_gives_the_same_token_and_of_another_record_another(client):
    first = submit_problem(client, contact_phone=PHONE)
    second = submit_problem(client, contact_phone=PHONE)
    tokens = {p.pk: AuditEvent.objects.get(action="calls.problem.create", target_id=str(p.pk)).new["contact_phone"]
              for p in (first, second)}
    assert tokens[first.pk] != tokens[second.pk]
    assert personal.Tokens(first).token(PHONE) == tokens[first.pk]
    assert personal.Tokens(first).token("13900000000") != tokens[first.pk]


# --- Erasure -----------------------------------------------------------------------------------------------------

def test_erasure_blanks_the_details_unlinks_the_tokens_records_itself_and_keeps_the_chain(problem, admin_user):
    token = AuditEvent.objects.get(action="calls.problem.create").new["contact_phone"]
    assert personal.Tokens(problem).token(PHONE) == token
    erased = services.erase_personal_data(problem, by=admin_user, reason="市民 2026-03-01 来电要求删除")
    problem.refresh_from_db()
    assert sorted(erased) == sorted(Problem.personal_fields)
    assert (problem.contact_name, problem.contact_phone, problem.contact_email) == ("", "", "")
    assert not PersonalDataKey.objects.filter(subject_type="calls.problem", subject_id=str(problem.pk)).exists()
    # The old token can no longer be matched: the same guess now gives something else.
    assert personal.Tokens(problem).token(PHONE) != token
    event = AuditEvent.objects.get(action="calls.problem.erase")
    assert event.actor == admin_user and event.reason == "市民 2026-03-01 来电要求删除"
    assert event.new == {"erased": sorted(erased, key=list(Problem.personal_fields).index)}
    assert PHONE not in everything_recorded()
    assert list(audit.verify()) == []


def test_erasure_of_a_person(admin_user):
    person = Person.objects.create(name="钱多多", email="qian@example.cn", phone="13711112222",
                                   id_number_masked="440305********1234")
    services.erase_personal_data(person, by=admin_user, reason="本人书面申请")
    person.refresh_from_db()
    assert (person.email, person.phone, person.id_number_masked) == ("", "", "")
    assert person.name == "钱多多"


def test_only_the_administrator_may_erase(problem):
    for role in (Role.OFFICER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.erase_personal_data(problem, by=user_for_role(role), reason="请求")
    problem.refresh_from_db()
    assert problem.contact_phone == PHONE
    assert not AuditEvent.objects.filter(action="calls.problem.erase").exists()


def test_erasure_needs_a_reason_and_something_to_erase(problem, admin_user):
    with pytest.raises(ValidationError, match="请写明"):
        services.erase_personal_data(problem, by=admin_user, reason="  ")
    services.erase_personal_data(problem, by=admin_user, reason="市民要求")
    with pytest.raises(ValidationError, match="已不含个人信息"):
        services.erase_personal_data(problem, by=admin_user, reason="再次要求")
    assert AuditEvent.objects.filter(action="calls.problem.erase").count() == 1


def test_an_account_is_not_erased_here(admin_user):
    with pytest.raises(ValidationError):
        services.erase_personal_data(user_for_role(Role.OFFICER), by=admin_user, reason="离职")


def test_the_command_erases_by_tracking_code(problem, admin_user):
    out = io.StringIO()
    call_command("erase_personal_data", "problem", problem.tracking_code.lower(), "--reason", "市民来电要求删除",
                 "--by", "sysadmin", stdout=out)
    problem.refresh_from_db()
    assert problem.contact_phone == "" and "contact_phone" in out.getvalue()
    assert AuditEvent.objects.get(action="calls.problem.erase").actor == admin_user


def test_the_command_refuses_clearly(problem, admin_user):
    user_for_role(Role.OFFICER, username="clerk")
    with pytest.raises(CommandError, match="no problem"):
        call_command("erase_personal_data", "problem", "MS-2026-XXXXXXX", "--reason", "x", "--by", "sysadmin")
    with pytest.raises(CommandError, match="no active user"):
        call_command("erase_personal_data", "problem", problem.tracking_code, "--reason", "x", "--by", "nobody")
    with pytest.raises(CommandError, match="administrators only"):
        call_command("erase_personal_data", "problem", problem.tracking_code, "--reason", "x", "--by", "clerk")
    problem.refresh_from_db()
    assert problem.contact_phone == PHONE


def test_the_admin_action_asks_for_the_reason_then_erases(client, problem, admin_user):
    client.force_login(admin_user)
    changelist = reverse("admin:problems_problem_changelist")
    selected = {"action": "erase_personal_data", "_selected_action": [problem.pk]}
    page = client.post(changelist, selected)
    assert page.status_code == 200 and "请求人及请求来源" in page.content.decode()
    missing = client.post(changelist, {**selected, "erase_confirmed": "1", "erase_reason": ""})
    assert "请填写删除的理由" in missing.content.decode()
    problem.refresh_from_db()
    assert problem.contact_phone == PHONE
    done = client.post(changelist, {**selected, "erase_confirmed": "1", "erase_reason": "市民来电要求删除"},
                       follow=True)
    assert "已删除 1 条记录中的个人信息" in done.content.decode()
    problem.refresh_from_db()
    assert problem.contact_phone == ""


def test_the_admin_action_is_offered_to_the_administrator_only(client, problem):
    officer = user_for_role(Role.OFFICER, is_staff=True)
    client.force_login(officer)
    response = client.post(reverse("admin:problems_problem_changelist"),
                           {"action": "erase_personal_data", "_selected_action": [problem.pk],
                            "erase_confirmed": "1", "erase_reason": "x"})
    assert "请求人及请求来源" not in response.content.decode()
    problem.refresh_from_db()
    assert problem.contact_phone == PHONE
    assert not AuditEvent.objects.filter(action="calls.problem.erase").exists()


def test_the_problem_page_says_the_contact_details_were_erased(client, problem, admin_user):
    services.erase_personal_data(problem, by=admin_user, reason="市民来电要求删除")
    client.force_login(user_for_role(Role.OFFICER))
    html = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert "应提交人要求删除" in html
    assert f"{admin_user} 应请求删除了个人信息：联系人姓名、联系电话、联系邮箱" in html


# --- Events written before tokens existed ---------------------------------------------------------------------------

def legacy_event(**fields) -> AuditEvent:
    """A row as events were written before contact details became tokens (inserted beside the chain)."""
    last = AuditEvent.objects.order_by("-seq").first()
    with transaction.atomic():
        return AuditEvent.objects.create(
            seq=(last.seq if last else 0) + 1000, created_at=timezone.now(), prev_hash="legacy",
            hash=f"legacy{AuditEvent.objects.count()}", **fields)


def test_clear_details_in_old_events_are_never_shown(client, problem):
    legacy_event(action="calls.problem.create", target_type="calls.problem", target_id=str(problem.pk),
                 target_label=f"{problem.tracking_code} 联系 13800138000", reason="市民留言 old@example.cn",
                 new={"contact_phone": "13800138000", "contact_email": "old@example.cn", "title": "旧事件"})
    item = next(i for i in readable.read(AuditEvent.objects.filter(prev_hash="legacy")))
    shown = json.dumps([item.target, item.reason, [(c.label, c.old, c.new) for c in item.changes],
                        item.sentences], ensure_ascii=False)
    assert "13800138000" not in shown and "old@example.cn" not in shown and "旧事件" in shown
    client.force_login(user_for_role(Role.AUDITOR))
    for url in (reverse("core:audit_list"), reverse("core:audit_detail", args=[AuditEvent.objects.get(
            prev_hash="legacy").pk]), reverse("problems:detail", args=[problem.pk])):
        html = client.get(url).content.decode()
        assert "13800138000" not in html and "old@example.cn" not in html, url
    client.force_login(user_for_role(Role.ADMIN))
    legacy = AuditEvent.objects.get(prev_hash="legacy")
    for url in (reverse("admin:core_auditevent_changelist"), reverse("admin:core_auditevent_change",
                                                                     args=[legacy.pk])):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and "13800138000" not in html and "old@example.cn" not in html, url
    export = client.get(reverse("core:audit_export")).content
    from openpyxl import load_workbook
    cells = json.dumps(list(load_workbook(io.BytesIO(export)).active.values), ensure_ascii=False, default=str)
    assert "13800138000" not in cells and "old@example.cn" not in cells and "〔个人信息〕" in cells

"""Self-registration of an applicant organisation and its first user."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from minsheng.accounts import services
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from minsheng.policy.models import District
from minsheng.registry.models import Organisation
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_CODE = "91440300MA5FXXXXXM"  # a valid check character
BAD_CHECKSUM = "91440300MA5FXXXXX1"
STRONG = "Livelihood-Tech-2026"


@pytest.fixture
def data(db):
    return {
        "credit_code": GOOD_CODE,
        "name_zh": "深圳市注册测试科技有限公司",
        "name_en": "Shenzhen Registration Test Technology Co., Ltd.",
        "kind": Organisation.Kind.ENTERPRISE,
        "district": District.objects.get(code="nanshan").pk,
        "address": "深圳市南山区科技园南区1栋",
        "contact_name": "李四",
        "contact_phone": "0755-26000001",
        "contact_email": "",
        "last_name": "李",
        "first_name": "四",
        "username": "lisi2026",
        "email": "lisi@register-test.cn",
        "phone": "13800138000",
        "password1": STRONG,
        "password2": STRONG,
    }


def register(client, data, **changes):
    return client.post(reverse("accounts:register"), {**data, **changes})


def rows():
    return Organisation.objects.count(), User.objects.count()


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_the_officers_who_verify_are_told_of_a_registration_and_no_one_else(client, data):
    from minsheng.notifications.models import Notification
    from tests.factories import user_for_role

    officer, admin = user_for_role(Role.OFFICER), user_for_role(Role.ADMIN)
    user_for_role(Role.FINANCE)
    register(client, data)
    organisation = Organisation.objects.get(credit_code=GOOD_CODE)
    notes = Notification.objects.filter(kind="registry.organisation_to_verify")
    assert {n.recipient for n in notes} == {officer, admin}
    assert {n.target for n in notes} == {organisation}
    assert data["name_zh"] in notes.first().subject


def test_registration_creates_a_pending_organisation_and_its_applicant_and_signs_in(client, data):
    response = register(client, data)
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    organisation = Organisation.objects.get(credit_code=GOOD_CODE)
    assert organisation.state == Organisation.State.PENDING
    assert organisation.name_zh == data["name_zh"]
    assert organisation.district.code == "nanshan"
    assert organisation.contact_email == data["email"]  # left empty: the registrant's own
    user = User.objects.get(username="lisi2026")
    assert user.role == Role.APPLICANT
    assert user.organisation == organisation
    assert user.password.startswith("argon2")
    assert user.check_password(STRONG)
    assert client.session["_auth_user_id"] == str(user.pk)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"registry.organisation.register", "accounts.user.register", "accounts.login"} <= actions
    org_event = AuditEvent.objects.get(action="registry.organisation.register")
    assert org_event.actor_id == user.pk and org_event.target_id == str(organisation.pk)
    assert org_event.new["credit_code"] == GOOD_CODE

    home = client.get(reverse("accounts:home"))
    text = home.content.decode()
    assert 'data-ms-home="applicant"' in text
    assert "待审核" in text
    assert reverse("registry:organisation_detail", kwargs={"pk": organisation.pk}) in text


def test_credit_code_is_accepted_in_lower_case_with_spaces(client, data):
    assert register(client, data, credit_code=" 91440300ma5fxxxxxm ").status_code == 302
    assert Organisation.objects.filter(credit_code=GOOD_CODE).exists()


@pytest.mark.parametrize(("code", "check"), [
    (BAD_CHECKSUM, "checksum"),
    ("91440300MA5FXXXX", "length"),
    ("91440300MA5FXXXXXO", "format"),  # O is not in the code's alphabet
])
def test_a_wrong_credit_code_says_which_check_failed_and_writes_nothing(client, data, code, check):
    before = rows()
    response = register(client, data, credit_code=code)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["credit_code"]
    assert [e.code for e in errors] == [check]
    assert str(errors[0].message) in response.content.decode()
    assert 'data-ms-field="credit_code"' in response.content.decode()
    assert rows() == before
    assert "_auth_user_id" not in client.session


def test_wrong_checksum_message_in_english(client, data):
    client.cookies["minsheng_language"] = "en"
    response = register(client, data, credit_code=BAD_CHECKSUM)
    assert "check character of this credit code is wrong" in response.content.decode()


def test_a_duplicate_credit_code_is_refused_with_a_pointer_to_the_administrator(client, data):
    OrganisationFactory(credit_code=GOOD_CODE)
    before = rows()
    response = register(client, data)
    assert response.status_code == 200
    assert "该单位已经注册" in field_errors(response, "credit_code")[0]
    assert rows() == before


def test_a_duplicate_organisation_name_is_refused(client, data):
    OrganisationFactory(name_zh=data["name_zh"])
    before = rows()
    response = register(client, data)
    assert "已有同名单位注册" in field_errors(response, "name_zh")[0]
    assert rows() == before


def test_an_email_already_used_is_refused_whatever_its_case(client, data):
    UserFactory(email="lisi@register-test.cn")
    before = rows()
    response = register(client, data, email="LiSi@Register-Test.cn")
    assert "该电子邮箱已被其他账号使用" in field_errors(response, "email")[0]
    assert rows() == before


def test_a_taken_username_is_refused(client, data):
    UserFactory(username="LISI2026")
    before = rows()
    response = register(client, data)
    assert field_errors(response, "username")
    assert rows() == before


def test_a_short_password_is_refused(client, data):
    before = rows()
    response = register(client, data, password1="Ab1-short", password2="Ab1-short")
    codes = [e.code for e in response.context["form"].errors.as_data()["password2"]]
    assert "password_too_short" in codes
    assert rows() == before


def test_a_password_like_the_username_is_refused(client, data):
    response = register(client, data, username="zhangwei2026x", password1="zhangwei2026x",
                        password2="zhangwei2026x")
    codes = [e.code for e in response.context["form"].errors.as_data()["password2"]]
    assert "password_too_similar" in codes


def test_mismatched_passwords_are_refused(client, data):
    before = rows()
    response = register(client, data, password2=STRONG + "x")
    assert "两次输入的密码不一致" in field_errors(response, "password2")[0]
    assert rows() == before


def test_missing_fields_are_named(client, data):
    before = rows()
    response = register(client, data, name_zh="", district="", username="")
    form = response.context["form"]
    assert {"name_zh", "district", "username"} <= set(form.errors)
    assert rows() == before


def test_a_form_posted_twice_creates_one_of_each(client, data):
    first = register(client, data)
    assert first.status_code == 302
    second_client = client.__class__()
    second = register(second_client, data)
    assert second.status_code == 200
    assert "该单位已经注册" in field_errors(second, "credit_code")[0]
    assert Organisation.objects.filter(credit_code=GOOD_CODE).count() == 1
    assert User.objects.filter(username="lisi2026").count() == 1
    assert AuditEvent.objects.filter(action="registry.organisation.register").count() == 1


def _service_kwargs(data, **changes):
    values = {**data, **changes}
    return {
        "credit_code": values["credit_code"], "name_zh": values["name_zh"], "name_en": values["name_en"],
        "kind": values["kind"], "district": District.objects.get(pk=values["district"]),
        "address": values["address"], "contact_name": values["contact_name"],
        "contact_phone": values["contact_phone"], "contact_email": values["contact_email"],
        "username": values["username"], "email": values["email"], "first_name": values["first_name"],
        "last_name": values["last_name"], "phone": values["phone"], "password": values["password1"],
    }


def test_the_service_refuses_a_second_registration_by_field(data):
    services.register_organisation(**_service_kwargs(data))
    with pytest.raises(ValidationError) as caught:
        services.register_organisation(**_service_kwargs(data, username="other2026", email="other@example.cn"))
    assert set(caught.value.message_dict) == {"credit_code", "name_zh"}
    assert Organisation.objects.count() == 1


def test_the_service_writes_nothing_when_the_user_part_is_invalid(data):
    before = rows()
    with pytest.raises(ValidationError):
        services.register_organisation(**_service_kwargs(data, username="bad name with spaces"))
    assert rows() == before
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_give_one_organisation(data):
    """Two requests racing past the form's checks: the database's unique constraints decide, and the
    loser gets a field message instead of an error page."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot hold two writing threads; "
                    "the race runs on PostgreSQL")
    barrier = threading.Barrier(2)
    outcomes = []

    def run(username, email):
        try:
            barrier.wait(timeout=10)
            services.register_organisation(**_service_kwargs(data, username=username, email=email))
            outcomes.append("created")
        except ValidationError as error:
            outcomes.append(error.message_dict)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"racer{n}", f"racer{n}@example.cn")) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("created") == 1
    refused = next(o for o in outcomes if o != "created")
    assert "credit_code" in refused
    assert Organisation.objects.filter(credit_code=GOOD_CODE).count() == 1
    assert User.objects.filter(username__startswith="racer").count() == 1


def test_registration_is_rate_limited_per_address(client, data, clock):
    for number in range(10):
        response = register(client, data, credit_code=BAD_CHECKSUM, username=f"u{number}")
        assert response.status_code == 200
    assert register(client, data).status_code == 429
    assert not Organisation.objects.exists()


def test_a_signed_in_user_is_sent_home_from_the_registration_page(client):
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:register"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")


def test_the_registration_page_lists_the_districts(client):
    text = client.get(reverse("accounts:register")).content.decode()
    assert "data-ms-register" in text
    assert "南山区" in text

"""The user admin: role and scope fields, and every change recorded in the audit trail."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.factories import OrganisationFactory, UserFactory, user_for_role

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def admin_client(client):
    client.force_login(user_for_role(Role.ADMIN, username="root01"))
    return client


def test_user_list_and_form_show_role_and_scope(admin_client):
    target = UserFactory(role=Role.OFFICER)
    assert admin_client.get(reverse("admin:accounts_user_changelist") + "?role=officer").status_code == 200
    text = admin_client.get(reverse("admin:accounts_user_change", args=[target.pk])).content.decode()
    for field in ["role", "organisation", "department", "district", "person", "phone"]:
        assert f'name="{field}"' in text


def test_adding_a_user_in_admin_is_recorded(admin_client):
    organisation = OrganisationFactory()
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "newapplicant", "usable_password": "true", "password1": "Admin-Made-Pass-77",
        "password2": "Admin-Made-Pass-77", "last_name": "赵", "first_name": "六", "email": "zhao@example.cn",
        "phone": "", "role": Role.APPLICANT, "organisation": organisation.pk, "department": "", "district": "",
        "person": "", "_save": "Save",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="newapplicant")
    assert user.password.startswith("argon2")
    event = AuditEvent.objects.get(action="accounts.user.create", target_id=str(user.pk))
    assert event.actor_label == "root01"
    assert event.new["role"] == "applicant" and "password" not in event.new


def test_an_applicant_without_an_organisation_is_refused_with_a_message(admin_client):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "username": "orphan01", "usable_password": "true", "password1": "Admin-Made-Pass-77",
        "password2": "Admin-Made-Pass-77", "last_name": "钱", "first_name": "七", "email": "qian@example.cn",
        "role": Role.APPLICANT, "_save": "Save",
    })
    assert response.status_code == 200
    assert "申报用户必须隶属于一个单位" in response.content.decode()
    assert not User.objects.filter(username="orphan01").exists()


def test_changing_a_role_in_admin_records_old_and_new(admin_client):
    target = UserFactory(role=Role.OFFICER, username="officer77", email="o77@example.cn")
    response = admin_client.post(reverse("admin:accounts_user_change", args=[target.pk]), {
        "username": "officer77", "last_name": target.last_name, "first_name": target.first_name,
        "email": "o77@example.cn", "phone": "", "role": Role.AUDITOR, "organisation": "", "department": "",
        "district": "", "person": "", "is_active": "on", "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00", "_save": "Save",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="accounts.user.update", target_id=str(target.pk))
    assert event.old == {"role": "officer"} and event.new == {"role": "auditor"}


def test_setting_a_password_in_admin_is_recorded(admin_client):
    target = UserFactory()
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    response = admin_client.post(url, {"password1": "Reset-By-Admin-88", "password2": "Reset-By-Admin-88",
                                       "usable_password": "true", "set-password": ""})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("Reset-By-Admin-88")
    event = AuditEvent.objects.get(action="accounts.password.set_by_admin")
    assert event.target_id == str(target.pk)

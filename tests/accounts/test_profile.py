"""My account: the user's own name, e-mail and phone, changed through the audited service."""

import pytest
from django.urls import reverse

from minsheng.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post(client, **data):
    return client.post(reverse("accounts:profile"), {
        "last_name": "王", "first_name": "小明", "email": "alice@example.cn", "phone": "", **data})


def test_profile_page_shows_the_current_details(client, alice):
    client.force_login(alice)
    text = client.get(reverse("accounts:profile")).content.decode()
    assert 'value="alice@example.cn"' in text
    assert "data-ms-profile" in text


def test_name_and_phone_are_saved_and_recorded_with_old_and_new(client, alice):
    client.force_login(alice)
    old_first = alice.first_name
    response = post(client, first_name="晓明", phone="13900000000")
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.first_name, alice.phone) == ("晓明", "13900000000")
    event = AuditEvent.objects.get(action="accounts.user.update")
    assert event.actor_id == alice.pk and event.target_id == str(alice.pk)
    assert event.old["first_name"] == old_first and event.new["first_name"] == "晓明"
    assert "password" not in event.new


def test_changing_the_email_needs_the_current_password(client, alice, password):
    client.force_login(alice)
    refused = post(client, email="new@example.cn")
    assert refused.status_code == 200
    assert "current_password" in refused.context["form"].errors
    alice.refresh_from_db()
    assert alice.email == "alice@example.cn"
    assert not AuditEvent.objects.filter(action="accounts.user.update").exists()
    assert post(client, email="new@example.cn", current_password=password).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "new@example.cn"


def test_an_email_of_another_account_is_refused(client, alice, password):
    UserFactory(email="taken@example.cn")
    client.force_login(alice)
    response = post(client, email="TAKEN@example.cn", current_password=password)
    assert response.status_code == 200
    assert "该电子邮箱已被其他账号使用" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.cn"


def test_nothing_changed_records_nothing(client, alice):
    client.force_login(alice)
    post(client, last_name=alice.last_name, first_name=alice.first_name, phone=alice.phone)
    assert not AuditEvent.objects.filter(action="accounts.user.update").exists()


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))

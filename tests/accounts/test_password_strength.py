"""The password strength rule: repetition, keyboard runs, sequences and the person's own details are refused
wherever a person chooses a password (registration, change, reset, the admin), in the page's language."""

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from minsheng.accounts import password_validation as ours
from minsheng.core.roles import Role
from minsheng.policy.models import District
from tests.accounts.test_registration import GOOD_CODE
from tests.factories import UserFactory, user_for_role

pytestmark = pytest.mark.django_db

WEAK = ["aaaaaaaaaaaa", "qwertyuiop12", "1234567890ab", "1qaz2wsx3edc", "abcabcabcabc", "asdfghjkl;12"]
ACCEPTED = ["Minsheng@2026", "Livelihood-Tech-2026", "Correct-Horse-42", "青山绿水-Shenzhen-88"]


def codes(error: ValidationError) -> list[str]:
    return [item.code for item in error.error_list]


@pytest.mark.parametrize("password", WEAK)
def test_repetition_runs_and_sequences_are_refused_by_the_configured_validators(password):
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(password, UserFactory.build(username="someone"))
    assert "password_too_guessable" in codes(refused.value)


@pytest.mark.parametrize("password", ACCEPTED)
def test_the_demo_password_and_passphrases_are_accepted(password):
    password_validation.validate_password(password, UserFactory.build(username="someone", email="s@example.cn"))


def test_the_message_names_what_was_found_in_chinese_and_english():
    validator = ours.GuessabilityValidator()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as chinese:
        validator.validate("aaaaaaaaaaaa")
    assert "太容易被猜到" in chinese.value.messages[0] and "重复" in chinese.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as english:
        validator.validate("qwertyuiop12")
    assert english.value.messages[0].startswith("This password is too easy to guess: ")
    assert "keys on the keyboard" in english.value.messages[0] or "common password" in english.value.messages[0]


def test_the_persons_own_name_makes_a_password_weak():
    person = UserFactory.build(username="zhangwei", first_name="伟", last_name="张", email="zhangwei@example.cn")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        ours.GuessabilityValidator().validate("zhangwei2026", person)
    assert "your name, username or e-mail" in refused.value.messages[0]


def test_a_very_long_password_is_judged_by_its_first_characters_without_error():
    ours.GuessabilityValidator().validate("Kettle-Lantern-Orchid-" * 10)
    with pytest.raises(ValidationError):
        ours.GuessabilityValidator().validate("a" * 500)


def test_registration_refuses_a_keyboard_run_with_the_message(client):
    response = client.post(reverse("accounts:register"), {
        "credit_code": GOOD_CODE, "name_zh": "深圳市强度测试科技有限公司", "name_en": "", "kind": "enterprise",
        "district": District.objects.get(code="nanshan").pk, "address": "深圳市南山区", "contact_name": "李四",
        "contact_phone": "0755-26000001", "contact_email": "", "last_name": "李", "first_name": "四",
        "username": "strength01", "email": "strength01@example.cn", "phone": "",
        "password1": "qwertyuiop12", "password2": "qwertyuiop12",
    })
    assert response.status_code == 200
    assert "password_too_guessable" in [e.code for e in response.context["form"].errors.as_data()["password2"]]
    assert "太容易被猜到" in response.content.decode()


def test_password_change_refuses_repetition(client):
    user = UserFactory(username="weak01")
    client.force_login(user)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "Correct-Horse-42", "new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"})
    assert response.status_code == 200
    assert "太容易被猜到" in response.content.decode()
    user.refresh_from_db()
    assert not user.check_password("aaaaaaaaaaaa")


def test_the_admin_cannot_set_a_sequence_as_someones_password(client):
    client.force_login(user_for_role(Role.ADMIN, username="root02"))
    target = UserFactory()
    response = client.post(reverse("admin:auth_user_password_change", args=[target.pk]), {
        "password1": "1234567890ab", "password2": "1234567890ab", "usable_password": "true", "set-password": ""})
    assert response.status_code == 200
    target.refresh_from_db()
    assert not target.check_password("1234567890ab")

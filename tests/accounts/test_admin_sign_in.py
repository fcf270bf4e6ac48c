"""One sign-in for every role: the admin site signs in through the platform's sign-in (second step, lockout, rate
limit, audit events), and no session of a role that needs the second step reaches any page without it."""

import time
from urllib.parse import urlencode

import pyotp
import pytest
from django.urls import reverse

from minsheng.accounts import second_factor
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.factories import PASSWORD, sign_in_past_second_factor, user_for_role

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def root():
    return user_for_role(Role.ADMIN, username="root")


def _login_url(next_url):
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url}, safe='/')}"


def _code(user):
    return pyotp.TOTP(second_factor.device_for(user).secret).at(time.time())


def test_the_admin_login_page_sends_to_the_platform_sign_in_with_next(client):
    response = client.get(ADMIN_LOGIN + "?next=/admin/accounts/user/")
    assert response.status_code == 302 and response.url == _login_url("/admin/accounts/user/")
    assert client.get(ADMIN_LOGIN).url == _login_url("/admin/")
    # Asking for an admin page without a session ends at the same sign-in.
    first = client.get("/admin/")
    assert client.get(first.url).url == _login_url("/admin/")


@pytest.mark.parametrize("required", [True, False])
def test_the_admin_login_form_never_signs_anyone_in(client, root, settings, required):
    settings.SECOND_FACTOR_REQUIRED = required
    response = client.post(ADMIN_LOGIN + "?next=/admin/", {"username": "root", "password": PASSWORD,
                                                            "next": "/admin/"})
    assert response.status_code == 302 and response.url == _login_url("/admin/")
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action="accounts.login").exists()
    assert client.get("/admin/").status_code == 302


def test_the_admin_signs_in_through_password_and_code_and_reaches_the_admin(client, root):
    login = client.post(_login_url("/admin/"), {"username": "root", "password": PASSWORD, "next": "/admin/"})
    assert login.status_code == 302 and login.url == reverse("accounts:second_factor")
    assert client.get("/admin/").status_code == 302  # the password alone reaches nothing
    client.get(reverse("accounts:second_factor"))  # the set-up page makes the authenticator
    codes_page = client.post(reverse("accounts:second_factor"), {"code": _code(root)})
    assert 'href="/admin/" data-ms-continue' in codes_page.content.decode()
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    actions = list(AuditEvent.objects.filter(target_id=str(root.pk)).order_by("seq").values_list("action", flat=True))
    assert actions == ["accounts.login.password_accepted", "accounts.second_factor.confirm", "accounts.login",
                       "accounts.recovery_codes.generate"]


def test_eight_wrong_passwords_then_the_right_one_is_refused_and_recorded(client, root, settings):
    for _ in range(8):
        client.post(_login_url("/admin/"), {"username": "root", "password": "Not-The-Password-1"})
    response = client.post(_login_url("/admin/"), {"username": "root", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert second_factor.PENDING_KEY not in client.session
    assert AuditEvent.objects.filter(action="accounts.login.failure", target_label="root").count() == \
        settings.LOCKOUT_ACCOUNT_FAILURES
    assert AuditEvent.objects.filter(action="accounts.lockout", target_label="root").count() == 1
    assert AuditEvent.objects.filter(action="accounts.login.refused", target_label="root").count() == 4


def test_rapid_attempts_from_the_admin_path_are_rate_limited(client, root, clock):
    statuses = [client.post(_login_url("/admin/"), {"username": f"guess{i}", "password": "x"}).status_code
                for i in range(40)]
    assert statuses[:30] == [200] * 30 and set(statuses[30:]) == {429}


def test_wrong_codes_on_the_admin_path_lock_the_account(client, root, settings):
    client.post(_login_url("/admin/"), {"username": "root", "password": PASSWORD})
    second_factor.device_for(root)
    for _ in range(settings.LOCKOUT_ACCOUNT_FAILURES):
        client.post(reverse("accounts:second_factor"), {"code": "000000"})
    client.post(reverse("accounts:second_factor"), {"code": _code(root)})
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.second_factor.failure", target_id=str(root.pk)).count() == \
        settings.LOCKOUT_ACCOUNT_FAILURES
    assert AuditEvent.objects.filter(action="accounts.lockout", target_id=str(root.pk)).exists()


PAGES = ["/admin/", "/admin/accounts/user/", "/audit/", "/funding/", "/registry/people/export/",
         "/accounts/home/", "/policy/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_session_that_skipped_the_second_step_reaches_no_page(client, root, path):
    client.force_login(root)  # any way of putting the user in a session other than the second-factor page
    response = client.get(path)
    assert response.status_code == 302 and response.url == _login_url(path)
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="accounts.session.ended")
    assert event.actor_id == root.pk and event.target_id == str(root.pk)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FINANCE, Role.AUDITOR, Role.DEPARTMENT_OFFICER])
def test_every_government_role_is_held_to_the_second_step(client, role):
    client.force_login(user_for_role(role))
    assert client.get(reverse("accounts:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_api_answers_such_a_session_as_anyone_not_signed_in(client, root):
    client.force_login(root)
    response = client.get("/api/v1/registry/people/")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    assert "_auth_user_id" not in client.session


def test_a_form_post_from_such_a_session_is_not_carried_out(client, root):
    client.force_login(root)
    response = client.post(reverse("accounts:profile"), {"last_name": "改", "email": root.email})
    assert response.status_code == 302 and response.url == _login_url("")
    root.refresh_from_db()
    assert root.last_name != "改"


def test_roles_without_the_second_step_are_not_affected(client):
    applicant = user_for_role(Role.APPLICANT)
    client.force_login(applicant)
    assert client.get(reverse("accounts:home")).status_code == 200


def test_a_session_that_passed_keeps_working_after_a_password_change(client, root):
    sign_in_past_second_factor(client, root)
    new = "Lantern-Orchid-Kettle-7"
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_session_marked_for_another_user_does_not_count(client, root):
    other = user_for_role(Role.ADMIN, username="root2")
    sign_in_past_second_factor(client, other)
    session = client.session
    mark = session[second_factor.PASSED_KEY]
    client.force_login(root)
    session = client.session
    session[second_factor.PASSED_KEY] = mark
    session.save()
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_role_given_while_signed_in_needs_the_second_step(client):
    user = user_for_role(Role.EXPERT)
    client.force_login(user)
    assert client.get(reverse("accounts:home")).status_code == 200
    type(user).objects.filter(pk=user.pk).update(role=Role.OFFICER)
    assert client.get(reverse("accounts:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_signed_in_without_admin_access_the_admin_login_refuses_rather_than_loops(client):
    officer = user_for_role(Role.OFFICER)
    sign_in_past_second_factor(client, officer)
    first = client.get("/admin/")
    assert first.status_code == 302 and first.url.startswith(ADMIN_LOGIN)
    assert client.get(first.url).status_code == 403


def test_the_admin_signs_out_and_changes_its_password_through_the_platform(client, root):
    sign_in_past_second_factor(client, root)
    assert client.get(reverse("admin:password_change")).url == reverse("accounts:password_change")
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.logout", actor_id=root.pk).exists()

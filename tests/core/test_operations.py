"""What operations and security rely on: the health check, request ids in structured logs, security
headers, a clean deployment check, and error pages in both languages."""

import io
import json
import logging
import os
import secrets
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse
from django.utils import translation

from minsheng.core.logging import JsonFormatter
from minsheng.core.models import HealthProbe
from minsheng.core.roles import Role
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


def test_healthz_answers_200_while_the_database_takes_writes_and_keeps_nothing(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "writable", "cache": "answering"}
    assert "no-cache" in response["Cache-Control"]
    assert not HealthProbe.objects.exists()   # the probe's row was rolled back


def test_livez_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("livez"))
    assert response.status_code == 200 and response.json() == {"status": "alive"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    """A request served by a thread whose database connection points at a database that does not exist."""
    broken = {**connection.settings_dict}
    if connection.vendor == "sqlite":
        broken["NAME"] = str(tmp_path / "no-such-folder" / "minsheng.sqlite3")
    else:
        broken["NAME"] = "minsheng_no_such_database"
    result = {}

    def probe():
        connections["default"] = load_backend(broken["ENGINE"]).DatabaseWrapper(broken, "default")
        try:
            response = Client().get(reverse("healthz"))
            result.update(status=response.status_code, body=response.json())
        except Exception as error:  # reported to the test's thread
            result["error"] = error
        finally:
            connections["default"].close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=60)
    assert result.get("error") is None
    assert result["status"] == 503
    assert result["body"] == {"status": "unavailable", "database": "unreachable"}
    assert Client().get(reverse("healthz")).status_code == 200  # this thread's database is untouched


@pytest.fixture
def log_lines():
    """What the configured JSON log handler writes, one decoded object per line."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    assert handlers, "settings.LOGGING configures a JSON handler on the root logger"
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in handlers]
    lines = []
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)
    del lines


def test_each_request_logs_one_json_line_with_its_request_id(client, log_lines):
    response = client.get(reverse("healthz"))
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    entries = [e for e in log_lines() if e["logger"] == "minsheng.request"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["request_id"] == request_id
    assert entry["message"].startswith("GET /healthz 200")
    assert entry["level"] == "INFO" and entry["time"].endswith("+00:00")
    assert entry["address"] == "127.0.0.1"


def test_a_well_formed_incoming_request_id_is_kept(client, log_lines):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "lb-2024.06_abcdef01"})
    assert response["X-Request-ID"] == "lb-2024.06_abcdef01"
    assert [e["request_id"] for e in log_lines() if e["logger"] == "minsheng.request"] == ["lb-2024.06_abcdef01"]


@pytest.mark.parametrize("incoming", ["short", "has spaces in it", "x" * 65, "semi;colon;injected",
                                      "新的请求编号abcdefgh"])
def test_a_malformed_incoming_request_id_is_replaced(client, incoming):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_log_lines_of_a_request_carry_the_user(client, log_lines):
    user = user_for_role(Role.AUDITOR)
    client.force_login(user)
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 200
    entry = next(e for e in log_lines() if e["logger"] == "minsheng.request")
    assert entry["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize("route", ["portal:index", "core:audit_list", "api-docs"])
def test_security_headers(client, route):
    client.force_login(user_for_role(Role.AUDITOR))
    response = client.get(reverse(route))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client):
    client.force_login(user_for_role(Role.AUDITOR))
    for route in ("portal:index", "core:audit_list"):
        html = client.get(reverse(route)).content.decode()
        assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
        assert "<style" not in html and ' style="' not in html
        assert " onclick=" not in html and " onsubmit=" not in html


def _deploy_check(**overrides) -> subprocess.CompletedProcess:
    # Only what production would have: no test-runner switches such as DJANGO_ALLOW_ASYNC_UNSAFE.
    inherited = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "DATABASE_URL", "PYTHONPATH"}}
    env = {**inherited, "DEBUG": "0", "HTTPS": "1", "SECRET_KEY": secrets.token_urlsafe(64),
           "ALLOWED_HOSTS": "minsheng.example.gov.cn", **overrides}
    return subprocess.run([sys.executable, "-m", "minsheng", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _deploy_check(MINSHENG_VAR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_with_debug_on(tmp_path):
    result = _deploy_check(MINSHENG_VAR=str(tmp_path), DEBUG="1")
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def _in(language: str, message: str) -> str:
    with translation.override(language):
        if message == "Page not found":
            return translation.pgettext("error page", message)
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_404_page(client, production, language):
    client.cookies["minsheng_language"] = language
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _assert_error_page(response, language, "Page not found")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_403_page(client, production, language):
    client.cookies["minsheng_language"] = language
    client.force_login(user_for_role(Role.APPLICANT))
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 403
    _assert_error_page(response, language, "Not allowed")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_400_page(client, production, language):
    client.cookies["minsheng_language"] = language
    response = client.get(reverse("portal:index"), headers={"Host": "attacker.example.com"})
    assert response.status_code == 400
    _assert_error_page(response, language, "Bad request")


@pytest.mark.urls("tests.core.urls_failing")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_500_page(production, language):
    client = Client(raise_request_exception=False)
    client.cookies["minsheng_language"] = language
    response = client.get("/failing-view/")
    assert response.status_code == 500
    _assert_error_page(response, language, "Something went wrong")
    assert response["X-Request-ID"] in response.content.decode()


def _assert_error_page(response, language: str, title: str) -> None:
    html = response.content.decode()
    expected = _in(language, title)
    if language == "zh-hans":
        assert expected != title, f"{title!r} has no Chinese translation"
    assert f'<html lang="{language}">' in html
    assert f"<h1 class=\"h3\">{expected}</h1>" in html
    assert response["X-Request-ID"] in html
    assert response["Content-Security-Policy"]


def test_every_asset_of_the_base_page_is_served(client):
    """Bootstrap, HTMX and the project's css/js come from this site (no CDN) and are found by staticfiles."""
    import re

    html = client.get(reverse("portal:index")).content.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("htmx" in a for a in assets) and any("bootstrap" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset

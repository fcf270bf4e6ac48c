"""The API's OpenAPI schema and its offline documentation."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from minsheng.core.roles import Role
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """Collects <script>, <style> and <link> tags with their bodies, and any style="" attribute."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.links, self.style_attributes = [], [], [], []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes.append(tag)
        if tag in ("script", "style"):
            self._open = {"tag": tag, "attrs": attrs, "body": ""}
        elif tag == "link":
            self.links.append(attrs)

    def handle_data(self, data):
        if self._open is not None:
            self._open["body"] += data

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open["tag"]:
            (self.scripts if tag == "script" else self.styles).append(self._open)
            self._open = None


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def test_the_schema_is_openapi_3(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Minsheng API"
    assert any(path.startswith("/api/v1/") for path in schema["paths"])


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3.")


def test_the_docs_page_needs_no_inline_script_or_style(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    tags = parse(response.content.decode())
    assert tags.scripts, "the page loads Swagger UI's scripts"
    assert all(s["attrs"].get("src") and not s["body"].strip() for s in tags.scripts), tags.scripts
    assert tags.styles == [] and tags.style_attributes == []
    # Every script and style sheet is served by this site: Swagger UI from the vendored sidecar under
    # /static/, the start-up script from the docs view itself.
    sources = [s["attrs"]["src"] for s in tags.scripts] + [link["href"] for link in tags.links]
    assert all(src.startswith("/") and not src.startswith("//") for src in sources), sources
    assert any(src.startswith("/static/drf_spectacular_sidecar/swagger-ui-dist/") for src in sources)
    for src in sources:
        loaded = client.get(src)
        assert loaded.status_code == 200, src
        body = b"".join(loaded.streaming_content) if loaded.streaming else loaded.content
        assert body, src
    start_up = client.get(next(src for src in sources if "script" in src.split("?")[-1]))
    assert start_up["Content-Type"].startswith("application/javascript")
    assert re.search(r"SwaggerUIBundle\(", start_up.content.decode())
    assert reverse("api-schema") in start_up.content.decode()


def test_the_api_root_requires_sign_in(client):
    response = client.get(reverse("api-root"))
    assert response.status_code == 403
    body = response.json()
    assert body["request_id"] == response["X-Request-ID"]
    client.force_login(user_for_role(Role.APPLICANT))
    assert client.get(reverse("api-root"), HTTP_ACCEPT="application/json").status_code == 200

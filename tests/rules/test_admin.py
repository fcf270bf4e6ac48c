"""Rule templates in admin: editable wording, audited with the template's clause; a code with no evaluator or a
schema outside the subset is refused and nothing changes."""

import json

import pytest
from django.urls import reverse

from minsheng.core.models import AuditEvent
from minsheng.policy.models import RuleTemplate
from tests.factories import user_for_role
from tests.policy.test_admin import _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(user_for_role("admin"))
    return client


def _change(template):
    return reverse("admin:policy_ruletemplate_change", args=[template.pk])


def test_list_and_change_form_render(admin_client):
    assert admin_client.get(reverse("admin:policy_ruletemplate_changelist"), {"q": "M19"}).status_code == 200
    assert admin_client.get(_change(RuleTemplate.objects.get(code="ip_in_domain"))).status_code == 200


def test_editing_the_wording_is_audited_with_the_clause(admin_client):
    template = RuleTemplate.objects.get(code="ip_in_domain")
    data = _form_data(admin_client.get(_change(template)))
    data["fail_en"] = "needs {min_count} granted {ip_kinds} in {domains}; found {found}"
    response = admin_client.post(_change(template), data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="policy.ruletemplate.update")
    assert event.clause == "M19" and event.new == {"fail_en": data["fail_en"]}


@pytest.mark.parametrize("field,value", [
    ("code", "no_such_rule"),
    ("params_schema", json.dumps({"type": "object", "properties": {"max": {"type": "object"}}})),
    ("params_schema", json.dumps({"type": "object", "properties": {"max": {"type": "integer", "minimum": 5,
                                                                            "default": 1}}})),
    ("clause_code", "M99"),
])
def test_bad_edits_are_refused(admin_client, field, value):
    template = RuleTemplate.objects.get(code="applications_per_organisation")
    data = _form_data(admin_client.get(_change(template)))
    data[field] = value
    response = admin_client.post(_change(template), data)
    assert response.status_code == 200 and response.context["adminform"].form.errors.get(field)
    assert not AuditEvent.objects.exists()
    assert RuleTemplate.objects.get(pk=template.pk).code == "applications_per_organisation"

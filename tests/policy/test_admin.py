"""Administration of the catalogue: every model has a working admin, and every edit is audited."""

import pytest
from django.forms import CheckboxInput
from django.urls import reverse

from minsheng.core.audit import verify
from minsheng.core.models import AuditEvent
from minsheng.policy.models import (
    Clause,
    Department,
    District,
    Domain,
    FocusDirection,
    FundingMode,
    FundingSource,
    PolicyVersion,
    RuleTemplate,
    SupportType,
)
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db

MODELS = [PolicyVersion, Clause, Department, District, Domain, FocusDirection, FundingMode, SupportType,
          FundingSource]


@pytest.fixture
def admin_client(client):
    client.force_login(user_for_role("admin"))
    return client


def _url(model, view, *args):
    return reverse(f"admin:policy_{model._meta.model_name}_{view}", args=args)


def _form_data(response) -> dict:
    """The change form as the browser would send it back unchanged: main form, then each inline formset."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[key] = "on"
                continue
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = "" if value is None else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_changelist_search_and_change_form_render(admin_client, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "changelist"), {"q": "M1"}).status_code == 200
    assert admin_client.get(_url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


def test_clause_admin_filters(admin_client):
    response = admin_client.get(_url(Clause, "changelist"), {"part__exact": "III"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 9


def test_changing_a_clause_in_admin_records_an_audit_event(admin_client):
    clause = Clause.objects.get(code="M19")
    url = _url(Clause, "change", clause.pk)
    data = _form_data(admin_client.get(url))
    data["title_en"] = "Intellectual property"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    clause.refresh_from_db()
    assert clause.title_en == "Intellectual property"
    event = AuditEvent.objects.get(action="policy.clause.update")
    assert event.target_id == str(clause.pk)
    assert event.clause == "M19"
    assert event.reason == "admin"
    assert event.actor.role == "admin"
    assert event.old == {"title_en": "Strengthen the creation and protection of intellectual property in "
                                     "livelihood S&T"}
    assert event.new == {"title_en": "Intellectual property"}
    assert list(verify()) == []


def test_saving_without_changes_records_nothing(admin_client):
    clause = Clause.objects.get(code="M01")
    url = _url(Clause, "change", clause.pk)
    assert admin_client.post(url, _form_data(admin_client.get(url))).status_code == 302
    assert not AuditEvent.objects.exists()


def test_invalid_clause_edit_changes_nothing(admin_client):
    clause = Clause.objects.get(code="M02")
    url = _url(Clause, "change", clause.pk)
    data = _form_data(admin_client.get(url))
    data["text_zh"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    clause.refresh_from_db()
    assert clause.text_zh
    assert not AuditEvent.objects.exists()


def test_focus_directions_edited_inline_are_audited(admin_client):
    domain = Domain.objects.get(code="D10")
    url = _url(Domain, "change", domain.pk)
    data = _form_data(admin_client.get(url))
    prefix = "focus_directions"
    directions = list(domain.focus_directions.order_by("order"))
    # change the first, delete the last, add one
    data[f"{prefix}-0-name_en"] = "Disaster forecasting and early warning"
    last = len(directions) - 1
    data[f"{prefix}-{last}-DELETE"] = "on"
    new = int(data[f"{prefix}-TOTAL_FORMS"]) - 1  # the blank extra form
    data[f"{prefix}-{new}-order"] = "9"
    data[f"{prefix}-{new}-name_zh"] = "应急通信"
    data[f"{prefix}-{new}-name_en"] = "Emergency communications"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    names = list(domain.focus_directions.order_by("order").values_list("name_zh", flat=True))
    assert "应急通信" in names and directions[-1].name_zh not in names

    events = {e.action: e for e in AuditEvent.objects.all()}
    assert set(events) == {"policy.focusdirection.update", "policy.focusdirection.delete",
                           "policy.focusdirection.create"}
    assert all(e.clause == "M15" for e in events.values())
    assert events["policy.focusdirection.update"].new == {"name_en": "Disaster forecasting and early warning"}
    assert events["policy.focusdirection.delete"].old["name_zh"] == directions[-1].name_zh
    assert events["policy.focusdirection.create"].new["name_zh"] == "应急通信"
    assert list(verify()) == []


def test_adding_and_deleting_in_admin_are_audited(admin_client):
    response = admin_client.post(_url(SupportType, "add"), {
        "name_zh": "后补助", "name_en": "Post-completion subsidy", "code": "post_subsidy", "clause_code": "M17",
        "order": "3"})
    assert response.status_code == 302
    created = SupportType.objects.get(code="post_subsidy")
    event = AuditEvent.objects.get(action="policy.supporttype.create")
    assert event.clause == "M17" and event.new["code"] == "post_subsidy"

    response = admin_client.post(_url(SupportType, "delete", created.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not SupportType.objects.filter(code="post_subsidy").exists()
    assert AuditEvent.objects.get(action="policy.supporttype.delete").old["code"] == "post_subsidy"


def test_a_department_in_use_cannot_be_deleted(admin_client):
    health = Department.objects.get(code="health")
    response = admin_client.post(_url(Department, "delete", health.pk), {"post": "yes"})
    assert response.status_code == 200  # the admin explains which domains protect it
    assert Department.objects.filter(code="health").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", ["officer", "applicant", "auditor"])
def test_admin_is_closed_to_other_roles(client, role):
    client.force_login(user_for_role(role))
    response = client.get(_url(Clause, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("code", ["M99", "X1", ""])
def test_reference_rows_must_cite_an_existing_clause(admin_client, code):
    response = admin_client.post(_url(FundingMode, "add"), {
        "name_zh": "新方式", "name_en": "New mode", "code": "new_mode", "clause_code": code, "order": "7"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "clause_code" in errors
    assert not FundingMode.objects.filter(code="new_mode").exists()
    assert not AuditEvent.objects.exists()


def test_clause_code_is_normalised(admin_client):
    response = admin_client.post(_url(FundingMode, "add"), {
        "name_zh": "新方式", "name_en": "New mode", "code": "new_mode", "clause_code": " m17 ", "order": "7"})
    assert response.status_code == 302
    assert FundingMode.objects.get(code="new_mode").clause_code == "M17"


def test_unknown_clause_message_is_in_chinese(admin_client):
    response = admin_client.post(_url(Domain, "add"), {
        "name_zh": "新领域", "name_en": "New", "code": "D11", "clause_code": "M42",
        "lead_department": str(Department.objects.get(code="sti").pk),
        "focus_directions-TOTAL_FORMS": "0", "focus_directions-INITIAL_FORMS": "0",
        "focus_directions-MIN_NUM_FORMS": "0", "focus_directions-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 200
    assert "不存在条款 M42" in response.content.decode()


def test_a_rule_template_needs_a_programmed_rule_and_a_usable_schema(admin_client):
    """The admin looks codes and schemas up in engines.rule_parameters, which the applications app fills in when it
    starts: a known code saves, an unknown code or a schema outside the subset is refused and nothing changes."""
    template = RuleTemplate.objects.get(code="not_debarred")
    url = _url(RuleTemplate, "change", template.pk)
    data = _form_data(admin_client.get(url))
    assert admin_client.post(url, data).status_code == 302
    refused = admin_client.post(url, {**data, "code": "no_such_rule"})
    assert refused.status_code == 200 and refused.context["adminform"].form.has_error("code", "unknown_rule")
    refused = admin_client.post(url, {**data, "params_schema": '{"properties": {"x": {"type": "object"}}}'})
    assert refused.status_code == 200 and refused.context["adminform"].form.has_error("params_schema", "bad_schema")
    template.refresh_from_db()
    assert template.code == "not_debarred"

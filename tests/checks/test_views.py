"""The check pages: the table with rule results and filters, decisions through the form, scopes, export."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minsheng.applications.models import Application, Comment, RuleResult
from minsheng.checks import services
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.checks.conftest import submitted
from tests.factories import department, user_for_role
from tests.factories.calls import CallFactory, add_rule

pytestmark = pytest.mark.django_db
State = Application.State


def test_table_shows_each_rule_with_its_clause_and_explanation(client, call, officer):
    a = submitted(call)
    client.force_login(officer)
    page = client.get(reverse("checks:call_table", args=[call.pk])).content.decode()
    assert a.number in page
    assert "M19" in page and "M20" in page and "✗" in page and "✓" in page
    assert "M19：需要在 D01 领域至少 1 项已授权" in page
    assert 'data-ms-count="submitted">1<' in page


def test_filters_by_state_and_failing_rule(client, call, officer):
    failing = submitted(call)
    ok = submitted(call, funding={"city_rd": 1_000_000, "own": 2_000})       # fails M20 too
    services.decide(failing, by=officer, decision="reject", reason="不符合")
    client.force_login(officer)
    m20 = call.rules.get(template__code="own_funding_share")
    page = client.get(reverse("checks:call_table", args=[call.pk]), {"rule": m20.pk}).content.decode()
    assert ok.number in page and failing.number not in page
    page = client.get(reverse("checks:call_table", args=[call.pk]), {"state": "rejected"}).content.decode()
    assert failing.number in page and ok.number not in page
    # nonsense filters are ignored, not errors
    assert client.get(reverse("checks:call_table", args=[call.pk]), {"state": "x", "rule": "9999"}).status_code == 200


def test_start_check_button(client, call, officer):
    a = submitted(call)
    client.force_login(officer)
    response = client.post(reverse("checks:start", args=[call.pk]))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == State.IN_CHECK


def test_return_through_the_form(client, call, officer):
    a = submitted(call)
    client.force_login(officer)
    deadline = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("checks:decide", args=[a.pk]),
                           {"decision": "return", "reason": "补充预算说明", "deadline": deadline})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == State.RETURNED and a.correction_deadline is not None


def test_pass_without_override_shows_the_error_and_changes_nothing(client, call, officer):
    a = submitted(call)
    failed = RuleResult.objects.get(application=a, passed=False)
    client.force_login(officer)
    response = client.post(reverse("checks:decide", args=[a.pk]), {"decision": "pass"})
    assert response.status_code == 400
    assert f'name="override_{failed.pk}"' in response.content.decode()
    a.refresh_from_db()
    assert a.state == State.SUBMITTED
    response = client.post(reverse("checks:decide", args=[a.pk]),
                           {"decision": "pass", f"override_{failed.pk}": "证书已补交"})
    assert response.status_code == 302
    page = client.get(reverse("checks:call_table", args=[call.pk])).content.decode()
    assert "✗→✓" in page and "证书已补交" in page


def test_a_decided_application_shows_no_form_and_a_stale_post_is_refused(client, call, officer):
    a = submitted(call)
    services.decide(a, by=officer, decision="reject", reason="重复")
    client.force_login(user_for_role(Role.OFFICER))
    assert b"data-ms-decide" not in client.get(reverse("checks:application", args=[a.pk])).content
    response = client.post(reverse("checks:decide", args=[a.pk]), {"decision": "reject", "reason": "再次"},
                           follow=True)
    assert "cannot become" in response.content.decode() or "不能" in response.content.decode()
    assert a.check_decisions.count() == 1


def test_department_officer_sees_only_co_owned_calls_and_comments(client, call):
    mine = submitted(call)
    other_call = CallFactory(co_owners=[department("transport")])
    add_rule(other_call, "verified_organisation")
    theirs = submitted(other_call)
    health = user_for_role(Role.DEPARTMENT_OFFICER, department=department("health"))
    client.force_login(health)
    listing = client.get(reverse("checks:call_list")).content.decode()
    assert call.code in listing and other_call.code not in listing
    assert client.get(reverse("checks:call_table", args=[other_call.pk])).status_code == 404
    assert client.get(reverse("checks:application", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("checks:application", args=[mine.pk])).content.decode()
    assert "data-ms-decide" not in page and "data-ms-comment" in page
    assert client.post(reverse("checks:decide", args=[mine.pk]), {"decision": "reject", "reason": "x"}
                       ).status_code == 403
    assert client.post(reverse("checks:comment", args=[mine.pk]), {"text": "建议关注适老化"}).status_code == 302
    assert Comment.objects.get().text == "建议关注适老化"
    assert client.post(reverse("checks:comment", args=[theirs.pk]), {"text": "x"}).status_code == 404


def test_drafts_are_not_shown(client, call, officer):
    from tests.factories.applications import ApplicationFactory

    draft = ApplicationFactory(call=call)
    client.force_login(officer)
    assert draft.number not in client.get(reverse("checks:call_table", args=[call.pk])).content.decode()
    assert client.get(reverse("checks:application", args=[draft.pk])).status_code == 404


def test_export_has_a_column_per_rule_with_the_explanation(client, call, officer):
    a = submitted(call)
    failed = RuleResult.objects.get(application=a, passed=False)
    services.decide(a, by=officer, decision="pass", overrides={failed.pk: "已核实"})
    b = submitted(call)
    client.force_login(officer)
    response = client.get(reverse("checks:call_export", args=[call.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    headers, body = rows[0], rows[1:]
    assert any(str(h).startswith("M19") for h in headers) and any(str(h).startswith("M20") for h in headers)
    by_number = {row[0]: dict(zip(headers, row, strict=True)) for row in body}
    assert set(by_number) == {a.number, b.number}
    m19 = next(h for h in headers if str(h).startswith("M19"))
    assert by_number[a.number][m19].startswith("✗→✓ M19：") and "已核实" in by_number[a.number][m19]
    assert by_number[b.number][m19].startswith("✗ M19：需要在 D01")
    assert AuditEvent.objects.filter(action="applications.application.export").exists()

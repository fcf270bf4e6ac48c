"""The audit trail pages: who may see them, the filters, the chain check and the Excel export."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from minsheng.core import audit, services
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.core import append_only
from tests.factories import OrganisationFactory, user_for_role

pytestmark = pytest.mark.django_db

LIST = reverse("core:audit_list")
VERIFY = reverse("core:audit_verify")
EXPORT = reverse("core:audit_export")


@pytest.fixture
def auditor(client):
    user = user_for_role(Role.AUDITOR, username="auditor1")
    client.force_login(user)
    return user


@pytest.fixture
def trail():
    """A small, varied trail: two organisations created and one verified with a clause, by two officers."""
    officer = user_for_role(Role.OFFICER, username="officer_li")
    other = user_for_role(Role.OFFICER, username="officer_wang")
    first = services.create_audited(OrganisationFactory.build(name_zh="深圳市康宁医疗科技有限公司"), by=officer)
    second = services.create_audited(OrganisationFactory.build(name_zh="深圳市清源环保股份有限公司"), by=other)
    services.update_audited(first, by=officer, changes={"address": "深圳市福田区深南大道"}, verb="verify",
                            clause="M03", reason="营业执照核验无误")
    return {"officer": officer, "other": other, "first": first, "second": second}


def rows(response) -> list[int]:
    return [int(seq) for seq in re.findall(r'<tr data-ms-event="(\d+)"', response.content.decode())]


def test_the_list_shows_events_newest_first_with_details(client, auditor, trail):
    response = client.get(LIST)
    assert response.status_code == 200
    assert rows(response) == [3, 2, 1]
    html = response.content.decode()
    assert "registry.organisation.verify" in html and '<span class="ms-clause">M03</span>' in html
    # The expandable row holds the old and new values and the reason.
    details = html[html.index('data-ms-event-details="3"'):]
    assert "营业执照核验无误" in details
    assert "深圳市南山区科技园" in details and "深圳市福田区深南大道" in details
    assert "officer_li" in html


@pytest.mark.parametrize(("query", "expected"), [
    ({"actor": "wang"}, [2]),
    ({"action": "registry.organisation.create"}, [2, 1]),
    ({"action": "registry.organisation.v"}, [3]),
    ({"action": "policy"}, []),
    ({"target_type": "registry.organisation"}, [3, 2, 1]),
    ({"clause": "M03"}, [3]),
    ({"q": "清源"}, [2]),
    ({"q": "执照核验"}, [3]),
])
def test_filters(client, auditor, trail, query, expected):
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert rows(response) == expected


def test_filter_by_record_shows_one_objects_history(client, auditor, trail):
    first = trail["first"]
    response = client.get(LIST, {"target_type": "registry.organisation", "target_id": first.pk})
    assert rows(response) == [3, 1]


def test_date_filters_use_the_local_calendar_day(client, auditor, trail):
    AuditEvent.objects.filter(seq=1)  # created today
    today = timezone.localdate()
    assert rows(client.get(LIST, {"date_from": today, "date_to": today})) == [3, 2, 1]
    assert rows(client.get(LIST, {"date_to": today - datetime.timedelta(days=1)})) == []
    assert rows(client.get(LIST, {"date_from": today + datetime.timedelta(days=1)})) == []


def test_bad_filters_get_a_clear_message_and_no_rows(client, auditor, trail):
    response = client.get(LIST, {"date_from": "2025-03-02", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert rows(response) == []
    assert "截止日期早于起始日期" in response.content.decode()
    response = client.get(LIST, {"date_from": "not a date", "clause": "M99"})
    html = response.content.decode()
    assert "输入一个有效的日期" in html
    assert rows(response) == []


def test_pagination_keeps_the_filters(client, auditor):
    with transaction.atomic():
        for i in range(55):
            audit.record(action="core.test.step", target_label=f"step {i}")
    first = client.get(LIST, {"action": "core.test"})
    assert rows(first) == list(range(55, 5, -1))
    assert "action=core.test&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"action": "core.test", "page": 2})
    assert rows(second) == [5, 4, 3, 2, 1]
    assert rows(client.get(LIST, {"page": 99})) == [5, 4, 3, 2, 1]  # past the end: the last page
    assert rows(client.get(LIST, {"page": "x"}))[0] == 55  # not a number: the first page


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_runs_a_fixed_number_of_queries(client, auditor, count, django_assert_max_num_queries):
    with transaction.atomic():
        for i in range(count):
            audit.record(action="registry.organisation.create", target_label=f"单位 {i}", new={"i": i}, clause="M02")
    with django_assert_max_num_queries(13):      # 12, and the header bell's unread count
        response = client.get(LIST)
    assert len(rows(response)) == count


def test_the_detail_page(client, auditor, trail):
    event = AuditEvent.objects.get(seq=2)
    response = client.get(reverse("core:audit_detail", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert event.hash in html and event.prev_hash in html
    assert "深圳市清源环保股份有限公司" in html
    assert reverse("core:audit_detail", args=[AuditEvent.objects.get(seq=1).pk]) in html
    assert reverse("core:audit_detail", args=[AuditEvent.objects.get(seq=3).pk]) in html
    last = AuditEvent.objects.order_by("-pk").first().pk
    assert client.get(reverse("core:audit_detail", args=[last + 1000])).status_code == 404


def test_verify_button_reports_an_intact_chain_and_is_recorded(client, auditor, trail):
    response = client.post(VERIFY, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-ms-chain-result="intact"' in html
    assert "<html" not in html  # a fragment for htmx
    check = AuditEvent.objects.get(action="core.auditevent.verify")
    assert check.actor == auditor and check.new == {"events": 3, "problems": 0}
    # Without htmx the same check answers with a whole page.
    page = client.post(VERIFY)
    assert "<html" in page.content.decode() and 'data-ms-chain-result="intact"' in page.content.decode()


def test_verify_button_names_a_tampered_row(client, auditor, trail):
    append_only.disable()
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET reason = 'nothing to see' WHERE seq = 2")
    finally:
        append_only.enable()
    response = client.post(VERIFY, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'data-ms-chain-result="broken"' in html
    assert reverse("core:audit_detail", args=[AuditEvent.objects.get(seq=2).pk]) in html
    assert "changed" in html
    recorded = AuditEvent.objects.get(action="core.auditevent.verify")
    assert recorded.new["problems"] == 1 and "seq 2" in recorded.reason


def test_the_list_page_wires_the_verify_button_to_htmx(client, auditor):
    html = client.get(LIST).content.decode()
    assert f'hx-post="{VERIFY}"' in html
    assert 'hx-indicator="#ms-verify-indicator"' in html and 'id="ms-verify-indicator"' in html
    assert "<script>" not in html


def test_verify_is_post_only(client, auditor):
    assert client.get(VERIFY).status_code == 405


def test_export_writes_the_filtered_trail_and_records_itself(client, auditor, trail):
    response = client.get(EXPORT, {"actor": "officer_li"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "序号"
    assert [row[0] for row in values[1:]] == [3, 1]
    assert values[1][4] == "单位审核通过" and values[1][5] == "registry.organisation.verify"
    assert values[1][9] == "M03"
    exported = AuditEvent.objects.get(action="core.auditevent.export")
    assert exported.actor == auditor
    assert exported.new == {"filters": {"actor": "officer_li"}, "rows": 2}
    assert list(audit.verify()) == []


def test_export_is_rate_limited(client, auditor, trail):
    for _ in range(10):
        assert client.get(EXPORT).status_code == 200
    response = client.get(EXPORT)
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="core.auditevent.export").count() == 10


def test_export_refuses_too_many_rows_with_a_message(client, auditor, trail, settings):
    settings.AUDIT_EXPORT_MAX_ROWS = 2
    response = client.get(EXPORT, follow=True)
    assert response.redirect_chain[0][0] == LIST
    assert "最多" in response.content.decode()
    assert not AuditEvent.objects.filter(action="core.auditevent.export").exists()
    assert client.get(EXPORT, {"clause": "M03"}).status_code == 200


def test_export_refuses_bad_filters(client, auditor, trail):
    response = client.get(EXPORT, {"date_from": "2025-13-45"})
    assert response.status_code == 302
    assert response["Location"].startswith(LIST + "?")


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.AUDITOR, Role.ADMIN)])
def test_other_roles_get_403(client, role):
    client.force_login(user_for_role(role))
    for url in (LIST, EXPORT):
        assert client.get(url).status_code == 403
    assert client.post(VERIFY).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_administrators_see_the_trail_and_the_menu_entry(client, trail):
    client.force_login(user_for_role(Role.ADMIN))
    response = client.get(LIST)
    assert response.status_code == 200 and rows(response) == [3, 2, 1]
    assert f'href="{LIST}"' in response.content.decode()


def test_the_pages_are_in_english_too(client, auditor, trail):
    client.cookies["minsheng_language"] = "en"
    html = client.get(LIST).content.decode()
    assert "Audit trail" in html and "Verify the chain" in html


def test_verify_button_compares_with_the_signed_checkpoints(client, auditor, trail):
    html = client.post(VERIFY, headers={"HX-Request": "true"}).content.decode()
    assert 'data-ms-checkpoints="0"' in html and "尚未写入任何签名检查点" in html
    call_command("audit", "checkpoint", verbosity=0)
    html = client.post(VERIFY, headers={"HX-Request": "true"}).content.decode()
    assert 'data-ms-chain-result="intact"' in html
    assert 'data-ms-checkpoints="1"' in html
    assert "已与 1 个保存在数据库之外的签名检查点比对；最新一个由定时检查点任务于" in html
    assert "记录到第 4 条日志" in html  # the trail's three events and the first check


def test_verify_button_reports_a_chain_shortened_after_a_checkpoint(client, auditor, trail):
    """Finding 3 on the auditor's page: the newest events deleted and the head pointed back read "intact"."""
    call_command("audit", "checkpoint", verbosity=0)
    kept = AuditEvent.objects.get(seq=2)
    append_only.disable()
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE seq = 3")
            cursor.execute("UPDATE core_auditchainhead SET seq = 2, hash = %s", [kept.hash])
    finally:
        append_only.enable()
    response = client.post(VERIFY, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'data-ms-chain-result="broken"' in html
    assert '<li class="mb-1" data-ms-finding="3">' in html
    assert "<strong>已被截短</strong>" in html
    assert "shortened: the chain ends at event 2, but the checkpoint signed" in html
    recorded = AuditEvent.objects.get(action="core.auditevent.verify")
    assert recorded.new["problems"] == 1 and "seq 3: shortened" in recorded.reason


def test_the_whole_trail_is_counted_by_the_chain_head_and_a_broad_filter_up_to_a_bound(client, auditor, monkeypatch):
    """The unfiltered count is the chain head's sequence number; a filter matching more than the bound says
    "more than" the bound, shows pages without a last one, and says where counting stopped."""
    from minsheng.core import queries

    with transaction.atomic():
        for i in range(12):
            audit.record(action="core.test.step", target_label=f"step {i}", clause="M17")
    html = client.get(LIST).content.decode()
    assert 'data-ms-event-count="12"' in html and "data-ms-count-bounded" not in html
    monkeypatch.setattr(queries, "COUNT_BOUND", 5)
    bounded = client.get(LIST, {"clause": "M17"}).content.decode()
    assert 'data-ms-event-count-bound="5"' in bounded and "超过 5 条" in bounded and "data-ms-count-bounded" in bounded
    assert rows(client.get(LIST, {"clause": "M17"})) == [12, 11, 10, 9, 8]
    assert "末页" not in bounded
    exact = client.get(LIST, {"clause": "M17", "q": "step 1"}).content.decode()   # step 1, 10, 11
    assert 'data-ms-event-count="3"' in exact and "data-ms-count-bounded" not in exact


def test_the_filter_choices_hold_each_recorded_value_once(client, auditor, trail):
    from minsheng.core import queries

    assert queries.clause_codes() == ["M03"]
    assert queries.target_type_choices() == [("registry.organisation", "单位")]
    assert queries.recorded_actions() == sorted(set(AuditEvent.objects.values_list("action", flat=True)))

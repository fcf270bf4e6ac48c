"""core/exports.py export_response: rate-limited (EXPORT_RATE), one audit event per export, a real workbook."""

import io

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from minsheng.core import exports, limits
from minsheng.core.models import AuditEvent
from minsheng.core.roles import Role
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return user_for_role(Role.DEPARTMENT_OFFICER)


def _export(user, *, rows=None, built=None, **extra):
    request = RequestFactory().get("/export/", REMOTE_ADDR="10.8.0.1")
    request.user = user

    def build():
        if built is not None:
            built.append(1)
        return rows if rows is not None else [["甲", 1, "=SUM(A1)"], ["乙", 2.5, None]]

    return exports.export_response(request, group="test.export", action="calls.call.export", filename="things",
                                   title="物品", headers=["名称", "数量", "备注"], rows=build,
                                   details={"filters": {"state": "open"}}, clause="M17", **extra)


def test_the_export_is_a_workbook_with_headers_and_rows(officer):
    response = _export(officer)
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="things-')
    book = load_workbook(io.BytesIO(response.content))
    assert book.active.title == "物品"
    assert list(book.active.iter_rows(values_only=True)) == [
        ("名称", "数量", "备注"), ("甲", 1, "'=SUM(A1)"), ("乙", 2.5, None)]


def test_each_export_is_one_audit_event_with_its_details(officer):
    _export(officer)
    event = AuditEvent.objects.get(action="calls.call.export")
    assert event.actor == officer and event.clause == "M17"
    assert event.new == {"filters": {"state": "open"}, "rows": 2}


def test_the_count_can_leave_out_a_total_row(officer):
    _export(officer, count=lambda table: len(table) - 1)
    assert AuditEvent.objects.get(action="calls.call.export").new["rows"] == 1


def test_the_eleventh_export_in_a_minute_is_refused_and_reads_nothing(officer, room_in_window):
    limit = int(limits.EXPORT_RATE.split("/")[0])
    room_in_window(officer)
    built = []
    statuses = [_export(officer, built=built).status_code for _ in range(limit + 1)]
    assert statuses == [200] * limit + [429]
    assert len(built) == limit                                  # the refused export built no rows
    assert AuditEvent.objects.filter(action="calls.call.export").count() == limit

"""The check table at a call's scale (issue 16): one page of 50 rows, searched, filtered and sorted on the server,
counts from aggregates, queries that do not grow with the applications, and an export with every row."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.applications.models import RuleResult
from tests.checks.conftest import submitted
from tests.factories.applications import copies

pytestmark = pytest.mark.django_db
ROW = re.compile(r'<tr data-ms-application="([^"]+)"')


def _page(client, call, **params):
    response = client.get(reverse("checks:call_table", args=[call.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_costs_the_same_queries_for_5_and_60_applications(client, call, officer,
                                                                   django_assert_max_num_queries):
    first = submitted(call)
    copies(first, 4)
    client.force_login(officer)
    _page(client, call)                                   # sessions and caches warmed
    with CaptureQueriesContext(connection) as small:
        assert len(ROW.findall(_page(client, call))) == 5
    copies(first, 55)
    with django_assert_max_num_queries(len(small)):
        assert len(ROW.findall(_page(client, call))) == 50


def test_rows_come_fifty_a_page_with_the_whole_calls_counts(client, call, officer):
    first = submitted(call)
    copies(first, 59)
    client.force_login(officer)
    page = _page(client, call)
    assert len(ROW.findall(page)) == 50 and 'data-ms-rows="60"' in page
    assert 'data-ms-count="submitted">60<' in page            # the chart counts every application
    m19 = call.rules.get(template__code="ip_in_domain")
    assert f'data-ms-fail-count="{m19.pk}">60<' in page
    second = _page(client, call, page=2)
    assert len(ROW.findall(second)) == 10
    assert not set(ROW.findall(page)) & set(ROW.findall(second))


def test_search_and_sort_by_failed_rules(client, call, officer):
    fine = submitted(call)                                  # fails the IP rule only
    worse = submitted(call, funding={"city_rd": 1_000_000, "own": 2_000})     # fails M20 too
    client.force_login(officer)
    assert ROW.findall(_page(client, call, sort="-failed")) == [worse.number, fine.number]
    assert ROW.findall(_page(client, call, sort="failed")) == [fine.number, worse.number]
    assert ROW.findall(_page(client, call, q=worse.number)) == [worse.number]
    # an overridden failure no longer counts as failed for the sort
    RuleResult.objects.filter(application=worse, passed=False).update(overridden_by=officer, override_reason="核实")
    assert ROW.findall(_page(client, call, sort="-failed")) == [fine.number, worse.number]


def test_the_export_keeps_every_row_and_the_filters(client, call, officer):
    first = submitted(call)
    copies(first, 59)
    client.force_login(officer)
    response = client.get(reverse("checks:call_export", args=[call.pk]))
    body = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert len(body) == 60
    response = client.get(reverse("checks:call_export", args=[call.pk]), {"q": first.number + "C000"})
    body = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert len(body) == 10                                   # C0000 … C0009

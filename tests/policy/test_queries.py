"""The lookups other apps use to cite the policy."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from minsheng.core import context
from minsheng.policy import queries
from minsheng.policy.models import Clause, FundingSource, PolicyVersion

pytestmark = pytest.mark.django_db


def test_current_version_is_the_notice():
    assert queries.current_version().code == "深府办〔2012〕53号"


def test_current_version_follows_effective_dates():
    old = PolicyVersion.objects.get()
    newer = PolicyVersion.objects.create(code="深府办〔2030〕1号", title_zh="新版措施",
                                         issued_on=datetime.date(2030, 1, 1), effective_from=datetime.date(2030, 2, 1))
    assert queries.current_version(on=datetime.date(2030, 1, 31)) == old
    assert queries.current_version(on=datetime.date(2030, 2, 1)) == newer
    old.effective_to = datetime.date(2020, 12, 31)
    old.save()
    # Nothing in force on a day between the two: the newest version answers.
    assert queries.current_version(on=datetime.date(2025, 6, 1)) == newer
    assert queries.current_version(on=datetime.date(2015, 6, 1)) == old


def test_current_version_none_without_versions():
    Clause.objects.all().delete()
    PolicyVersion.objects.all().delete()
    assert queries.current_version() is None
    assert list(queries.clauses()) == []
    assert queries.clause("M19") is None
    assert queries.clause_title("M19") == ""
    assert queries.clauses_by_part() == []


def test_clause_lookup_and_titles_in_both_languages():
    assert queries.clause("M19").code == "M19"
    assert queries.clause(" m19 ").code == "M19"
    assert queries.clause("M99") is None
    assert queries.clause("") is None
    with translation.override("zh-hans"):
        assert queries.clause_title("M06") == "人口与健康"
        assert queries.clause_label("M06") == "M06 人口与健康"
    with translation.override("en"):
        assert queries.clause_title("M06") == "Population and health"
        assert queries.clause_label("M99") == "M99"
    assert queries.clause_title("M99") == ""


def test_clauses_by_part_groups_in_order():
    parts = queries.clauses_by_part()
    assert [p for p, _label, _items in parts] == ["I", "II", "III"]
    assert [len(items) for _p, _label, items in parts] == [4, 11, 9]
    with translation.override("zh-hans"):
        assert str(queries.clauses_by_part()[1][1]) == "二、实施科技惠民工程"


def test_neighbours():
    m01, m19, m24 = (Clause.objects.get(code=c) for c in ("M01", "M19", "M24"))
    assert queries.neighbours(m19) == (Clause.objects.get(code="M18"), Clause.objects.get(code="M20"))
    assert queries.neighbours(m01)[0] is None
    assert queries.neighbours(m24)[1] is None


def test_clauses_are_read_once_per_request():
    token = context.set_current(context.RequestContext(request_id="req-one-0001"))
    try:
        with CaptureQueriesContext(connection) as captured:
            for code in ("M01", "M06", "M19", "M20", "M99"):
                queries.clause_title(code)
        assert len(captured) == 2  # the current version, then its clauses
    finally:
        context.reset(token)
    token = context.set_current(context.RequestContext(request_id="req-two-0002"))
    try:
        Clause.objects.filter(code="M19").update(title_zh="知识产权")
        with translation.override("zh-hans"):
            assert queries.clause_title("M19") == "知识产权"  # a new request reads afresh
    finally:
        context.reset(token)


def test_outside_a_request_every_call_reads_afresh():
    with translation.override("zh-hans"):
        assert queries.clause_title("M21") == "人才"
        Clause.objects.filter(code="M21").update(title_zh="人才队伍")
        assert queries.clause_title("M21") == "人才队伍"


def test_citing_a_clause():
    m17 = queries.citing("M17")
    assert {m.code for m in m17["funding_modes"]} == {"frontier", "key_tech", "capacity", "talent", "demonstration"}
    assert {s.code for s in m17["support_types"]} == {"stable", "competitive"}
    assert {"city_rd", "industry", "district"} <= {s.code for s in m17["funding_sources"]}
    assert [d.code for d in queries.citing("M06")["domains"]] == ["D01"]
    assert [m.code for m in queries.citing("M01")["funding_modes"]] == ["infrastructure"]
    assert not any(queries.citing("M19").values())


def test_government_source_codes():
    assert queries.government_source_codes() == {"city_rd", "industry", "district"}
    FundingSource.objects.filter(code="charity").update(is_government=True)
    assert "charity" in queries.government_source_codes()


def test_a_clause_links_to_its_page():
    assert Clause.objects.get(code="M19").get_absolute_url() == "/policy/M19/"

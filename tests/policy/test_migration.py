"""The data migration: the notice's 24 clauses and the reference data, clean and complete."""

import importlib
import json
import re
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from minsheng.policy.models import (
    Clause,
    Department,
    District,
    Domain,
    FocusDirection,
    FundingMode,
    FundingSource,
    PolicyVersion,
    SupportType,
)

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "policy"
CODE = "深府办〔2012〕53号"


def test_the_policy_version_of_the_notice():
    version = PolicyVersion.objects.get(code=CODE)
    assert version.title_zh == "关于加快发展民生科技的若干措施"
    assert version.issuer == "深圳市人民政府办公厅"
    assert str(version.issued_on) == "2012-11-02"
    assert str(version.effective_from) == "2012-11-02"
    assert version.effective_to is None
    assert version.preamble_zh.startswith("为促进全社会协同推进民生科技")
    assert version.preamble_zh.endswith("制定本措施。")


def test_twenty_four_clauses_in_order_with_parts():
    clauses = list(Clause.objects.filter(version__code=CODE).order_by("number"))
    assert [c.code for c in clauses] == [f"M{n:02d}" for n in range(1, 25)]
    assert [c.number for c in clauses] == list(range(1, 25))
    parts = "".join({"I": "1", "II": "2", "III": "3"}[c.part] for c in clauses)
    assert parts == "1" * 4 + "2" * 11 + "3" * 9


@pytest.mark.parametrize("number", range(1, 25))
def test_clause_text_is_complete_chinese_without_pdf_noise(number):
    clause = Clause.objects.get(version__code=CODE, number=number)
    numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
                "十六", "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四"]
    text = clause.text_zh
    assert text.startswith(f"（{numerals[number - 1]}）")
    assert text.endswith("。")
    assert len(text) > 15
    assert "书书书" not in text and "!\"#$%" not in text
    assert not re.search(r"^\s*\d+\s*$", text, re.MULTILINE), "a stray page number"
    assert not re.search(r"\s", text.replace("\n", "")), "whitespace left from the PDF's line breaks"
    for paragraph in text.split("\n"):
        assert paragraph.endswith("。"), f"a paragraph broken mid-sentence: {paragraph!r}"
    assert clause.title_zh and clause.title_en and clause.asks_en
    assert clause.platform_zh and clause.platform_en


def test_lines_are_joined_across_page_breaks():
    # M04's text crosses a page of the PDF between "专业性发" and "展".
    assert "专业性发展，提升管理与服务水平。" in Clause.objects.get(code="M04").text_zh
    assert "全力营造知识产权保护的良好氛围" in Clause.objects.get(code="M19").text_zh


def test_m19_is_about_intellectual_property():
    clause = Clause.objects.get(code="M19")
    assert "知识产权" in clause.text_zh
    assert clause.title_zh == "加强民生科技知识产权创造和保护力度"
    assert clause.part == Clause.Part.SAFEGUARDS


def test_titles_from_the_title_sentence_or_the_measures_table():
    titles = dict(Clause.objects.values_list("code", "title_zh"))
    assert titles["M01"] == "加强民生科技基础设施建设"
    assert titles["M06"] == "人口与健康"
    assert titles["M15"] == "防灾减灾"
    # Clauses without a short title sentence take the measures table's title.
    assert titles["M05"] == "协同创新机制"
    assert titles["M16"] == "统筹协调"
    assert titles["M17"] == "财政科技投入机制"
    assert titles["M21"] == "人才"
    assert titles["M24"] == "实施"


def test_multi_paragraph_clauses_keep_their_paragraphs():
    assert Clause.objects.get(code="M17").text_zh.count("\n") == 3
    assert Clause.objects.get(code="M24").text_zh == (
        "（二十四）本措施自发布之日起实施。\n本措施由市科技部门会同有关部门负责解释。")


def test_eight_departments_with_the_sti_department_coordinating():
    departments = {d.code: d for d in Department.objects.all()}
    assert set(departments) == {"sti", "habitat", "transport", "health", "education", "civil_affairs", "culture",
                                "housing"}
    assert [code for code, d in departments.items() if d.is_coordinator] == ["sti"]
    assert departments["sti"].name_zh == "市科技部门"
    assert departments["health"].name_zh == "市卫生人口计生部门"
    assert all(d.name_en for d in departments.values())


def test_ten_districts_with_division_codes():
    districts = {d.code: d for d in District.objects.all()}
    assert len(districts) == 10
    expected = {"futian": "440304", "luohu": "440303", "nanshan": "440305", "yantian": "440308",
                "baoan": "440306", "longgang": "440307", "longhua": "440309", "pingshan": "440310",
                "guangming": "440311", "dapeng": "440300"}
    assert {code: d.division_code for code, d in districts.items()} == expected
    assert districts["futian"].name_zh == "福田区"
    assert districts["dapeng"].name_zh == "大鹏新区"
    assert "440300" in districts["dapeng"].note_zh and districts["dapeng"].note_en
    assert all(d.name_en for d in districts.values())


def test_domains_d01_to_d10_cite_m06_to_m15_with_their_lead_departments():
    domains = {d.code: d for d in Domain.objects.select_related("lead_department")}
    assert sorted(domains) == [f"D{n:02d}" for n in range(1, 11)]
    leads = {code: d.lead_department.code for code, d in domains.items()}
    assert leads == {"D01": "health", "D02": "habitat", "D03": "housing", "D04": "civil_affairs",
                     "D05": "education", "D06": "culture", "D07": "habitat", "D08": "health",
                     "D09": "transport", "D10": "civil_affairs"}
    for n in range(1, 11):
        domain = domains[f"D{n:02d}"]
        assert domain.clause_code == f"M{n + 5:02d}"
        assert domain.name_zh == Clause.objects.get(code=domain.clause_code).title_zh


@pytest.mark.parametrize("code", [f"D{n:02d}" for n in range(1, 11)])
def test_each_domain_has_at_least_three_focus_directions(code):
    directions = list(FocusDirection.objects.filter(domain__code=code).order_by("order"))
    assert len(directions) >= 3
    assert all(d.name_zh and d.name_en for d in directions)
    assert [d.order for d in directions] == list(range(1, len(directions) + 1))


def test_focus_directions_follow_the_clause_text():
    d01 = set(FocusDirection.objects.filter(domain__code="D01").values_list("name_zh", flat=True))
    assert {"慢性病类适宜技术", "妇女儿童类适宜技术", "数字化医疗与电子病历", "基因早期筛查"} <= d01
    d10 = set(FocusDirection.objects.filter(domain__code="D10").values_list("name_zh", flat=True))
    assert "应急管理" in d10  # M05 names emergency management; it folds into D10


def test_funding_modes_support_types_and_sources():
    modes = dict(FundingMode.objects.values_list("code", "clause_code"))
    assert modes == {"frontier": "M17", "key_tech": "M17", "capacity": "M17", "talent": "M17",
                     "demonstration": "M17", "infrastructure": "M01"}
    assert dict(SupportType.objects.values_list("code", "clause_code")) == {"stable": "M17", "competitive": "M17"}
    sources = {s.code: s for s in FundingSource.objects.all()}
    assert set(sources) == {"city_rd", "industry", "district", "bank_loan", "guarantee", "equity", "charity",
                            "private", "own"}
    assert {code for code, s in sources.items() if s.is_government} == {"city_rd", "industry", "district"}
    assert {s.clause_code for s in sources.values()} <= {"M17", "M20"}


def _migration(name):
    return importlib.import_module(f"minsheng.policy.migrations.{name}")


def test_reverse_migration_removes_the_defaults_and_forward_restores_them():
    defaults = _migration("0002_policy_defaults")
    defaults.unload_defaults(django_apps, None)
    assert not PolicyVersion.objects.exists()
    assert not Clause.objects.exists()
    assert not Domain.objects.exists() and not FocusDirection.objects.exists()
    assert not Department.objects.exists() and not District.objects.exists()
    assert not FundingMode.objects.exists() and not SupportType.objects.exists()
    assert not FundingSource.objects.exists()

    defaults.load_defaults(django_apps, None)
    _migration("0003_version_preamble_district_note").fill(django_apps, None)
    assert Clause.objects.count() == 24
    assert District.objects.count() == 10 and Department.objects.count() == 8
    assert FocusDirection.objects.filter(domain__code="D01").count() >= 3
    assert District.objects.get(code="dapeng").note_zh
    assert PolicyVersion.objects.get(code=CODE).preamble_zh


def test_loading_twice_does_not_duplicate():
    defaults = _migration("0002_policy_defaults")
    before = FocusDirection.objects.count()
    defaults.load_defaults(django_apps, None)
    assert Clause.objects.count() == 24
    assert FocusDirection.objects.count() == before
    assert Department.objects.count() == 8


def test_migration_reads_only_the_json_inside_the_package():
    data_file = _migration("0002_policy_defaults").DATA_FILE
    assert data_file.is_file()
    assert REPO / "src" in data_file.parents
    data = json.loads(data_file.read_text(encoding="utf-8"))
    assert len(data["clauses"]) == 24


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/policy is not beside this checkout")
def test_committed_json_matches_a_fresh_extraction_from_the_notice():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        extract = importlib.import_module("extract_policy")
    finally:
        sys.path.remove(str(REPO / "scripts"))
    fresh = extract.render(extract.build(SHARED))
    committed = (REPO / "src" / "minsheng" / "policy" / "data" / "policy_defaults.json").read_text(encoding="utf-8")
    assert fresh == committed, "run scripts/extract_policy.py and commit the JSON"

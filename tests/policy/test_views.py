"""The public policy pages, in Chinese (the default) and in English."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from minsheng.policy.models import Clause, FocusDirection

pytestmark = pytest.mark.django_db

CODES = [f"M{n:02d}" for n in range(1, 25)]


def _english(client, how):
    if how == "header":
        return {"headers": {"accept-language": "en"}}
    client.cookies["minsheng_language"] = "en"
    return {}


def test_index_in_chinese_shows_all_measures_by_part(client):
    response = client.get(reverse("policy:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert html.count("<h1") == 1
    assert re.search(r"<h1[^>]*>政策与措施</h1>", html)
    assert "关于加快发展民生科技的若干措施" in html and "深府办〔2012〕53号" in html
    for code in CODES:
        assert f'id="{code}"' in html, f"no anchor for {code}"
        assert f'href="#{code}"' in html, f"no table-of-contents entry for {code}"
        assert reverse("policy:clause_detail", args=[code]) in html
    for part in ("一、着力提升民生科技基础能力", "二、实施科技惠民工程", "三、保障措施"):
        assert part in html
    m19 = Clause.objects.get(code="M19")
    assert m19.text_zh.split("\n")[0] in html
    assert m19.platform_zh in html
    assert escape(m19.title_en) not in html
    assert "平台如何落实" in html
    assert html.index('id="M04"') < html.index('id="part-II"') < html.index('id="M05"')


@pytest.mark.parametrize("how", ["header", "cookie"])
def test_index_in_english_keeps_the_chinese_text(client, how):
    response = client.get(reverse("policy:index"), **_english(client, how))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert re.search(r"<h1[^>]*>Policy and measures</h1>", html)
    assert "II. The S&amp;T-for-the-people programme" in html
    m19 = Clause.objects.get(code="M19")
    assert escape(m19.title_en) in html and m19.title_zh in html
    assert m19.text_zh.split("\n")[0] in html
    assert escape(m19.platform_en) in html and m19.platform_zh not in html
    assert escape(m19.asks_en) in html
    for code in CODES:
        assert f'id="{code}"' in html


def test_index_query_count_does_not_grow_with_clauses(client, django_assert_max_num_queries):
    # the version, the clauses, the session; and the domains, whose pages (with the transfer rate) it links
    with django_assert_max_num_queries(4):
        client.get(reverse("policy:index"))


def test_index_without_a_policy_version(client):
    Clause.objects.all().delete()
    from minsheng.policy.models import PolicyVersion

    PolicyVersion.objects.all().delete()
    response = client.get(reverse("policy:index"))
    assert response.status_code == 200
    assert "尚未载入政策版本" in response.content.decode()


def test_clause_detail_shows_the_clause_and_what_cites_it(client):
    response = client.get(reverse("policy:clause_detail", args=["M06"]))
    assert response.status_code == 200
    html = response.content.decode()
    m06 = Clause.objects.get(code="M06")
    assert m06.text_zh in html and m06.platform_zh in html
    assert "D01" in html and "市卫生人口计生部门" in html
    for direction in FocusDirection.objects.filter(domain__code="D01"):
        assert direction.name_zh in html
    # neighbours
    assert reverse("policy:clause_detail", args=["M05"]) in html
    assert reverse("policy:clause_detail", args=["M07"]) in html


def test_clause_detail_lists_funding_vocabularies_citing_m17(client):
    html = client.get(reverse("policy:clause_detail", args=["M17"])).content.decode()
    for name in ("前沿技术", "共性和关键技术攻关", "稳定支持", "竞争择优", "市科技研发资金"):
        assert name in html
    assert "基础设施</li>" not in html  # infrastructure cites M01, not M17


def test_clause_detail_in_english(client):
    html = client.get(reverse("policy:clause_detail", args=["M20"]), headers={"accept-language": "en"}).content.decode()
    m20 = Clause.objects.get(code="M20")
    assert escape(m20.title_en) in html and m20.text_zh.split("\n")[0] in html and escape(m20.platform_en) in html
    assert "Bank loans" in html and "Private capital" in html
    assert escape("City R&D fund") not in html  # cites M17


def test_clause_detail_unknown_code_is_404(client):
    assert client.get(reverse("policy:clause_detail", args=["M99"])).status_code == 404
    assert client.get("/policy/m19/").status_code == 404
    assert client.get("/policy/nothing/").status_code == 404


def test_clause_detail_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert client.get(reverse("policy:clause_detail", args=["M06"])).status_code == 200


def test_reference_page_lists_everything(client):
    response = client.get(reverse("policy:reference"))
    assert response.status_code == 200
    html = response.content.decode()
    for code in [f"D{n:02d}" for n in range(1, 11)]:
        assert f'id="{code}"' in html
    for text in ("人口与健康", "慢性病类适宜技术", "市科技部门", "统筹协调", "大鹏新区", "440300", "440305",
                 "前沿技术", "稳定支持", "民间资本", "政府资金"):
        assert text in html
    assert reverse("policy:clause_detail", args=["M20"]) in html


def test_reference_page_in_english(client):
    client.cookies["minsheng_language"] = "en"
    html = client.get(reverse("policy:reference")).content.decode()
    for text in ("Population and health", "Appropriate technologies for chronic disease",
                 "Municipal science and technology department", "Dapeng New District", "Frontier technology",
                 "Competitive merit selection", "Private capital", "functional area"):
        assert text in html


def test_reference_page_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("policy:reference"))


@pytest.mark.parametrize("name,kwargs", [("policy:index", {}), ("policy:reference", {}),
                                          ("policy:clause_detail", {"code": "M19"})])
def test_pages_are_read_only(client, name, kwargs):
    assert client.post(reverse(name, kwargs=kwargs)).status_code == 405

"""`{% load policy %}`: the clause badge other apps use to cite a measure."""

import pytest
from django.template import engines
from django.utils import translation

pytestmark = pytest.mark.django_db


def _render(source, **context):
    return engines["django"].from_string("{% load policy %}" + source).render(context)


def test_clause_badge_links_to_the_clause_with_its_title():
    with translation.override("zh-hans"):
        html = _render('{% clause_badge "M06" %}')
    assert html == '<a class="ms-clause text-decoration-none" href="/policy/M06/" title="人口与健康">M06</a>'
    with translation.override("en"):
        assert 'title="Population and health"' in _render("{% clause_badge code %}", code="M06")


def test_clause_badge_for_an_unknown_clause_is_plain_and_escaped():
    assert _render("{% clause_badge code %}", code="M99") == '<span class="ms-clause">M99</span>'
    assert _render("{% clause_badge code %}", code="<b>") == '<span class="ms-clause">&lt;b&gt;</span>'


def test_paragraphs_filter():
    html = _render("{% for p in text|paragraphs %}[{{ p }}]{% endfor %}", text="甲。\n\n 乙。 \n")
    assert html == "[甲。][乙。]"

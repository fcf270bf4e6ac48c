"""Affinity from Chinese texts: the right expert ranks first, the match is explained, empty profiles are handled."""

import numpy as np
import pytest

from minsheng.engines.text import add_keywords, segment, tokens
from minsheng.review.affinity import ExpertProfile, ProposalText, compute

PROPOSALS = [
    ProposalText(title="社区居家养老失能老人跌倒监测与康复护理示范",
                 summary="面向居家养老的失能老人，研发跌倒监测可穿戴设备，建立社区康复护理服务网络。",
                 keywords=["智慧养老", "跌倒监测", "康复护理"], domain="D05", focus="elderly"),
    ProposalText(title="城市黑臭水体治理与海绵城市内涝防控",
                 summary="针对老城区黑臭水体和暴雨内涝，研究雨水管网渗漏检测、再生水利用和河道生态修复。",
                 keywords=["黑臭水体", "海绵城市", "城市内涝"], domain="D02", focus="water"),
    ProposalText(title="基层医疗机构高血压糖尿病慢性病健康管理",
                 summary="依托社区卫生服务中心，开展高血压、糖尿病患者的远程随访与健康管理。",
                 keywords=["慢性病", "高血压", "糖尿病"], domain="D05", focus="chronic"),
]

EXPERTS = [
    ExpertProfile(keywords=["河道治理", "黑臭水体", "水环境"],
                  description="长期从事城市水环境治理、黑臭水体整治和海绵城市建设研究。", domains=["D02"],
                  focus=["water"]),
    ExpertProfile(keywords=["慢性病", "社区卫生"], description="社区卫生服务与高血压、糖尿病等慢性病防治。",
                  domains=["D05"], focus=["chronic"]),
    ExpertProfile(keywords=["智慧养老", "康复护理", "老年健康"],
                  description="研究失能老人长期照护、康复护理与跌倒预防，参与多个居家养老示范项目。",
                  domains=["D05"], focus=["elderly"]),
    ExpertProfile(keywords=[], description="", domains=["D05"], focus=[]),
]


@pytest.fixture(scope="module")
def affinity():
    return compute(PROPOSALS, EXPERTS)


def test_matching_expert_ranks_first(affinity):
    assert affinity.scores.shape == (3, 4)
    assert affinity.scores.dtype == np.float32
    assert list(affinity.scores.argmax(axis=1)) == [2, 0, 1]
    assert ((affinity.scores >= 0) & (affinity.scores <= 1)).all()
    # Text alone, without bonuses, ranks the same way.
    plain = compute(PROPOSALS, EXPERTS, domain_bonus=0, focus_bonus=0)
    assert list(plain.scores.argmax(axis=1)) == [2, 0, 1]
    assert plain.scores[0, 0] < plain.scores[0, 2]


def test_explain_shows_the_shared_words(affinity):
    why = affinity.explain(0, 2)
    words = [w for w, _ in why.terms]
    assert "康复护理" in words and "智慧养老" in words  # keywords stay whole tokens
    assert all(c > 0 for _, c in why.terms)
    assert [c for _, c in why.terms] == sorted((c for _, c in why.terms), reverse=True)
    assert sum(c for _, c in why.terms) == pytest.approx(why.text_score, rel=1e-4)
    assert why.domain_bonus == pytest.approx(0.15) and why.focus_bonus == pytest.approx(0.1)
    assert why.score == pytest.approx(min(1.0, why.text_score + 0.25), rel=1e-5)
    assert not why.empty_profile
    unrelated = affinity.explain(1, 2)
    assert unrelated.domain_bonus == 0 and unrelated.text_score < why.text_score


def test_expert_without_profile_text_keeps_the_domain_bonus(affinity):
    assert affinity.empty_experts.tolist() == [False, False, False, True]
    assert affinity.scores[0, 3] == pytest.approx(0.15)  # same domain, no text
    assert affinity.scores[1, 3] == pytest.approx(0.0)
    why = affinity.explain(0, 3)
    assert why.empty_profile and why.terms == [] and why.text_score == 0


def test_tokens_drop_stop_words_and_keep_added_keywords():
    add_keywords(["城市内涝防控"])
    toks = tokens("基于海绵城市的城市内涝防控研究，2024年")
    assert "的" not in toks and "研究" not in toks and "基于" not in toks and "2024" not in toks
    assert "城市内涝防控" in toks
    assert tokens("") == []


def test_segment_in_worker_processes_matches_one_process():
    texts = [f"第{i}段：交通拥堵治理与公交优先信号控制，停车管理和慢行交通。" for i in range(40)]
    in_workers = segment(texts, workers=2)
    assert in_workers == [tokens(t) for t in texts]
    assert "公交优先" in in_workers[0] or "公交" in in_workers[0]


def test_no_experts_or_no_proposals():
    empty = compute(PROPOSALS[:1], [])
    assert empty.scores.shape == (1, 0)
    none = compute([], EXPERTS[:2])
    assert none.scores.shape == (0, 2)

"""Affinity between proposals and experts from their texts: jieba segmentation, TF-IDF, cosine similarity.

Pure Python, numpy, scipy.sparse and jieba; no Django.

* Proposal text = title + summary + keywords; expert text = keywords + description of expertise.
* Texts are segmented and weighted by :mod:`minsheng.engines.text` (jieba with a private tokenizer, stop words,
  sublinear TF and smoothed IDF, L2 norm). Every keyword from either side is added to the tokenizer's dictionary
  so that it stays one token inside running text, and the keyword lists are also counted directly with extra
  weight (``keyword_weight``). IDF runs over all proposals and experts together, so the text score is the cosine
  similarity, computed as one sparse matrix product.
* Score = ``text_weight · cosine + domain_bonus · [same domain] + focus_bonus · [same focus direction]``, clipped to
  [0, 1].
* An expert with no profile text gets text score 0 (the bonuses still apply) and is flagged in ``empty_experts``.
* :meth:`Affinity.explain` lists the shared terms with their contribution to the cosine (the contributions of all
  shared terms add up to the cosine), then the bonuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from minsheng.engines.text import add_keywords, segment, term_counts, tfidf


@dataclass
class ProposalText:
    title: str = ""
    summary: str = ""
    keywords: Sequence[str] = ()
    domain: str | None = None
    focus: str | None = None


@dataclass
class ExpertProfile:
    keywords: Sequence[str] = ()
    description: str = ""
    domains: Sequence[str] = ()
    focus: Sequence[str] = ()


@dataclass
class MatchExplanation:
    """Why proposal ``proposal`` and expert ``expert`` match: shared terms first, then the bonuses."""

    proposal: int
    expert: int
    score: float
    text_score: float
    terms: list[tuple[str, float]]
    domain_bonus: float = 0.0
    focus_bonus: float = 0.0
    empty_profile: bool = False


@dataclass
class Affinity:
    """Affinity scores (N×M float32 in [0, 1]) and what is needed to explain them."""

    scores: np.ndarray
    text: sparse.csr_matrix
    proposal_vectors: sparse.csr_matrix
    expert_vectors: sparse.csr_matrix
    vocabulary: list[str]
    domain_match: sparse.csr_matrix
    focus_match: sparse.csr_matrix
    empty_experts: np.ndarray
    params: dict = field(default_factory=dict)

    def explain(self, proposal: int, expert: int, top: int = 10) -> MatchExplanation:
        p = self.proposal_vectors.getrow(proposal)
        e = self.expert_vectors.getrow(expert)
        shared, ip, ie = np.intersect1d(p.indices, e.indices, assume_unique=True, return_indices=True)
        contrib = p.data[ip] * e.data[ie]
        order = np.argsort(-contrib, kind="stable")[:top]
        terms = [(self.vocabulary[int(shared[o])], float(contrib[o])) for o in order]
        text_score = float(self.text[proposal, expert])
        dom = float(self.domain_match[proposal, expert]) * self.params["domain_bonus"]
        foc = float(self.focus_match[proposal, expert]) * self.params["focus_bonus"]
        return MatchExplanation(proposal=proposal, expert=expert, score=float(self.scores[proposal, expert]),
                                text_score=text_score, terms=terms, domain_bonus=dom, focus_bonus=foc,
                                empty_profile=bool(self.empty_experts[expert]))


def _labels_matrix(labels: Sequence[Iterable[str]], index: dict[str, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    for r, items in enumerate(labels):
        for item in items:
            if item:
                rows.append(r)
                cols.append(index.setdefault(str(item), len(index)))
    return sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(labels), max(len(index), 1)))


def compute(proposals: Sequence[ProposalText], experts: Sequence[ExpertProfile], *, keyword_weight: float = 2.0,
            text_weight: float = 1.0, domain_bonus: float = 0.15, focus_bonus: float = 0.1, max_df: float = 0.5,
            hmm: bool = False, workers: int | None = None) -> Affinity:
    """Affinity of every proposal with every expert (see the module docstring for the formula)."""
    add_keywords(kw for p in proposals for kw in p.keywords)
    add_keywords(kw for e in experts for kw in e.keywords)
    texts = [f"{p.title}\n{p.summary}" for p in proposals] + [e.description or "" for e in experts]
    segmented = segment(texts, hmm=hmm, workers=workers)
    n = len(proposals)
    keyword_lists = [p.keywords for p in proposals] + [e.keywords for e in experts]
    docs = term_counts(segmented, keyword_lists, keyword_weight)
    vocab: dict[str, int] = {}
    matrix, inverse = tfidf(docs, vocab, max_df)
    P = matrix[:n]
    E = matrix[n:]
    text = (P @ E.T).tocsr()
    scores = np.zeros((n, len(experts)), dtype=np.float32)
    if text.nnz:
        text_coo = text.tocoo()
        scores[text_coo.row, text_coo.col] = text_weight * text_coo.data
    labels: dict[str, int] = {}
    pd = _labels_matrix([[p.domain] for p in proposals], labels)
    ed = _labels_matrix([list(e.domains) for e in experts], labels)
    pd.resize((n, max(len(labels), 1)))
    domain = (pd @ ed.T).tocsr()
    domain.data = np.minimum(domain.data, 1.0)
    focus_labels: dict[str, int] = {}
    pf = _labels_matrix([[p.focus] for p in proposals], focus_labels)
    ef = _labels_matrix([list(e.focus) for e in experts], focus_labels)
    pf.resize((n, max(len(focus_labels), 1)))
    focus = (pf @ ef.T).tocsr()
    focus.data = np.minimum(focus.data, 1.0)
    for bonus, match in ((domain_bonus, domain), (focus_bonus, focus)):
        if match.nnz and bonus:
            coo = match.tocoo()
            scores[coo.row, coo.col] += bonus * coo.data
    np.clip(scores, 0.0, 1.0, out=scores)
    empty = np.array([not (e.description or "").strip() and not any(str(k).strip() for k in e.keywords)
                      for e in experts], dtype=bool)
    return Affinity(scores=scores, text=text, proposal_vectors=P, expert_vectors=E, vocabulary=inverse,
                    domain_match=domain, focus_match=focus, empty_experts=empty,
                    params={"keyword_weight": keyword_weight, "text_weight": text_weight,
                            "domain_bonus": domain_bonus, "focus_bonus": focus_bonus, "max_df": max_df})

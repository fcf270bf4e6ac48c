"""Affinity between proposals and experts from their texts: jieba segmentation, TF-IDF, cosine similarity.

Pure Python, numpy, scipy.sparse and jieba; no Django.

* Proposal text = title + summary + keywords; expert text = keywords + description of expertise.
* Text is segmented with a private ``jieba.Tokenizer`` (the global one, used by search, is left untouched). Every
  keyword from either side is added to that tokenizer's dictionary so that it stays one token inside running
  text, and the keyword lists are also counted directly with extra weight (``keyword_weight``).
* Tokens: lower-cased, a small Chinese and English stop-word list removed, pure punctuation and numbers removed,
  single Chinese characters removed (they carry little topic).
* Weights: sublinear term frequency ``1 + ln(tf)`` times smoothed IDF ``ln((1 + n) / (1 + df)) + 1`` over all
  proposals and experts together, each document L2-normalised, so the text score is the cosine similarity,
  computed as one sparse matrix product.
* Score = ``text_weight · cosine + domain_bonus · [same domain] + focus_bonus · [same focus direction]``, clipped to
  [0, 1].
* An expert with no profile text gets text score 0 (the bonuses still apply) and is flagged in ``empty_experts``.
* :meth:`Affinity.explain` lists the shared terms with their contribution to the cosine (the contributions of all
  shared terms add up to the cosine), then the bonuses.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

_STOP_TEXT = """
    的 了 和 与 及 以及 或 或者 在 对 对于 于 为 为了 是 有 由 从 向 将 把 被 其 其中 这 那 这些 那些 这个 该 本 并 并且
    而 而且 但 但是 等 等等 之 所 以 个 中 上 下 内 外 也 都 又 还 就 则 即 如 如何 通过 进行 开展 相关 基于 面向 针对
    提出 实现 主要 重点 方面 一种 一个 多种 我们 我 他 她 它 他们 研究 问题 工作 项目 方法 技术 系统 应用 领域 方向
    具有 能够 可以 可 需要 以上 以下 包括 包含 利用 采用 使用 形成 提供 目前 已经 以及 同时 其他 各类 有关 不 没有
    a an and are as at be by for from in into is it of on or that the this to with we our using based via
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_DIGITS = re.compile(r"^[\d.,%]+$")
_HAN = re.compile(r"^[\u4e00-\u9fff]$")


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


_tokenizer = None
_tokenizer_lock = threading.Lock()
_known_words: set[str] = set()


def _get_tokenizer():
    global _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(60)
            tok = jieba.Tokenizer()
            tok.initialize()
            _tokenizer = tok
        return _tokenizer


def normalise_keyword(word: str) -> str:
    return re.sub(r"\s+", " ", str(word)).strip().lower()


def add_keywords(words: Iterable[str]) -> None:
    """Keep these keywords whole when they occur inside running text."""
    tok = _get_tokenizer()
    with _tokenizer_lock:
        for word in words:
            word = normalise_keyword(word)
            if word and word not in _known_words and " " not in word:
                tok.add_word(word, freq=max(tok.suggest_freq(word), 50_000))
                _known_words.add(word)


def _keep(token: str) -> bool:
    if token in STOP_WORDS or not _WORD.search(token) or _DIGITS.match(token):
        return False
    return not (len(token) == 1 and (_HAN.match(token) or token.isascii()))


def tokens(text: str, hmm: bool = False) -> list[str]:
    """Content tokens of one text (lower case, stop words and single characters dropped)."""
    if not text:
        return []
    tok = _get_tokenizer()
    return [w for w in (t.strip().lower() for t in tok.lcut(text, HMM=hmm)) if w and _keep(w)]


def _segment_chunk(args):
    texts, hmm = args
    return [tokens(t, hmm) for t in texts]


_cache: dict[tuple[str, bool, int], tuple[str, ...]] = {}
CACHE_LIMIT = 100_000


def segment(texts: Sequence[str], hmm: bool = False, workers: int | None = None) -> list[list[str]]:
    """Tokens of many texts; large batches are split over forked worker processes (POSIX only).

    Results are cached per text (and per state of the keyword dictionary), so that re-running the affinity of a
    call after a small change segments only the new texts.
    """
    _get_tokenizer()
    generation = len(_known_words)
    keys = [(t or "", hmm, generation) for t in texts]
    todo = sorted({key[0] for key in keys if key not in _cache})
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if len(todo) >= 2000 else 1
    if workers <= 1 or os.name != "posix":
        fresh = [tokens(t, hmm) for t in todo]
    else:
        size = math.ceil(len(todo) / workers)
        chunks = [(todo[i:i + size], hmm) for i in range(0, len(todo), size)]
        # Forked workers inherit the loaded dictionary and the added keywords.
        with multiprocessing.get_context("fork").Pool(len(chunks)) as pool:
            fresh = [toks for part in pool.map(_segment_chunk, chunks) for toks in part]
    found = {key[0]: _cache[key] for key in keys if key in _cache}
    found.update((text, tuple(toks)) for text, toks in zip(todo, fresh, strict=True))
    if len(_cache) + len(todo) > CACHE_LIMIT:
        _cache.clear()
    for text in todo:
        _cache[(text, hmm, generation)] = found[text]
    return [list(found[key[0]]) for key in keys]


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


def _tfidf(docs: list[dict[str, float]], vocab: dict[str, int], max_df: float) -> tuple[sparse.csr_matrix, list]:
    n = len(docs)
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for doc in docs:
        for term, tf in doc.items():
            indices.append(vocab.setdefault(term, len(vocab)))
            data.append(tf)
        indptr.append(len(indices))
    V = len(vocab)
    tf = sparse.csr_matrix((np.asarray(data, np.float64), np.asarray(indices, np.int64), np.asarray(indptr)),
                           shape=(n, V))
    tf.sum_duplicates()
    tf.data = 1.0 + np.log(tf.data)
    df = np.bincount(tf.indices, minlength=V)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    # Terms in more than max_df of all documents say nothing about topic.
    idf[df > max_df * n] = 0.0
    tf = tf @ sparse.diags(idf)
    tf.eliminate_zeros()
    norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    tf = sparse.diags(1.0 / norms) @ tf
    inverse = [""] * V
    for term, idx in vocab.items():
        inverse[idx] = term
    return tf.tocsr().astype(np.float32), inverse


def _counts(token_lists: Iterable[list[str]], keyword_lists: Iterable[Sequence[str]], weight: float):
    out = []
    for toks, kws in zip(token_lists, keyword_lists, strict=True):
        doc: dict[str, float] = {}
        for t in toks:
            doc[t] = doc.get(t, 0.0) + 1.0
        for kw in kws:
            kw = normalise_keyword(kw)
            if kw:
                doc[kw] = doc.get(kw, 0.0) + weight
        out.append(doc)
    return out


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
    docs = _counts(segmented, keyword_lists, keyword_weight)
    vocab: dict[str, int] = {}
    matrix, inverse = _tfidf(docs, vocab, max_df)
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

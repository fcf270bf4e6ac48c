"""Text into content words, and content words into TF-IDF vectors: the one segmentation of the platform.

The review affinity (proposals against experts) and the problem desk (similar problems) read texts the same way.
Pure Python, numpy, scipy.sparse and jieba; no Django.

* Text is segmented with a private ``jieba.Tokenizer`` (the global one, used by search, is left untouched).
  Keywords added with :func:`add_keywords` stay one token inside running text.
* Tokens: lower-cased, a small Chinese and English stop-word list removed, pure punctuation and numbers removed,
  single Chinese characters removed (they carry little topic).
* Weights (:func:`tfidf`): sublinear term frequency ``1 + ln(tf)`` times smoothed IDF ``ln((1 + n) / (1 + df)) + 1``
  over all documents together, each document L2-normalised, so a product of two rows is their cosine.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import threading
from collections.abc import Iterable, Sequence

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


def tfidf(docs: list[dict[str, float]], vocab: dict[str, int], max_df: float) -> tuple[sparse.csr_matrix, list]:
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


def term_counts(token_lists: Iterable[list[str]], keyword_lists: Iterable[Sequence[str]], weight: float):
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

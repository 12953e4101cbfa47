"""Is a comment about its article? Word-overlap signals between a comment and its context.

Context is what a comment can be compared against: the article's title and text when known, the comment it
replies to, and the other comments under the same article. Sibling comments matter because many exports
carry no article text at all; a word is a sign of belonging when it is much more common in this thread
than in comments at large (its lift), which stays meaningful whether the thread has 5 comments or 5,000.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from moderation.model.linear.features import word_hashes
from moderation.model.linear.normalise import normalise, tokens

N_SIGNALS = 11
LIFT_STRONG = float(np.log(5.0))


def content_hashes(text: str) -> set[int]:
    """Distinct word hashes of a text (normalised as the classifier reads it)."""
    return set(word_hashes(tokens(normalise(text))).tolist())


@dataclass
class Thread:
    """The comparable context of one article: its own words, and how many comments use each word."""

    article_words: set[int] = field(default_factory=set)
    word_counts: Counter[int] = field(default_factory=Counter)
    n_comments: int = 0

    @classmethod
    def build(cls, article_text: str, comment_words: Iterable[set[int]]) -> Thread:
        thread = cls(article_words=content_hashes(article_text) if article_text else set())
        for words in comment_words:
            thread.add(words)
        return thread

    def add(self, words: set[int]) -> None:
        self.word_counts.update(words)
        self.n_comments += 1

    @property
    def has_context(self) -> bool:
        return bool(self.article_words) or self.n_comments > 1


@dataclass
class DocumentFrequency:
    """How common each hashed word is across comments at large (learned at training time)."""

    counts: dict[int, int]
    n_docs: int

    @classmethod
    def fit(cls, word_sets: Iterable[set[int]], min_count: int = 2) -> DocumentFrequency:
        counts: Counter[int] = Counter()
        n = 0
        for words in word_sets:
            counts.update(words)
            n += 1
        return cls(counts={w: c for w, c in counts.items() if c >= min_count}, n_docs=n)

    def __getstate__(self) -> dict:
        return {"counts": self.counts, "n_docs": self.n_docs}  # the lookup arrays are rebuilt on demand

    def lookup(self, words: np.ndarray) -> np.ndarray:
        """Document counts of many words at once (0 for unseen ones)."""
        if getattr(self, "_keys", None) is None:
            self._keys = np.array(sorted(self.counts), dtype=np.int64)
            self._values = np.array([self.counts[k] for k in self._keys.tolist()], dtype=np.float64)
        if len(self._keys) == 0:
            return np.zeros(len(words))
        at = np.clip(np.searchsorted(self._keys, words), 0, len(self._keys) - 1)
        return np.where(self._keys[at] == words, self._values[at], 0.0)

    def rate(self, word: int) -> float:
        return (self.counts.get(word, 0) + 1.0) / (self.n_docs + 2.0)

    def idf(self, word: int) -> float:
        return float(np.log(1.0 / self.rate(word)))


def signals(
    words: set[int],
    thread: Thread,
    parent_words: set[int] | None,
    df: DocumentFrequency,
    *,
    in_thread: bool = True,
) -> np.ndarray:
    """The relevance signals of one comment against its context (see ``SIGNAL_NAMES``).

    ``in_thread`` says whether the comment itself is counted in ``thread`` (then it is left out of it).
    """
    out = np.zeros(N_SIGNALS, dtype=np.float64)
    if not words:
        return out
    own = 1 if in_thread else 0
    siblings = max(thread.n_comments - own, 0)
    every = list(words)
    rate = (np.fromiter(map(df.counts.get, every, repeat(0)), dtype=np.float64, count=len(every)) + 1.0) / (
        df.n_docs + 2.0
    )
    idf = -np.log(rate)
    keep = idf >= 2.0  # stop words say nothing about topic
    if not keep.any():
        out[8] = 1.0
        return out
    kept = np.asarray(every, dtype=np.int64)[keep].tolist()
    idf, rate = idf[keep], rate[keep]
    idf_total = float(idf.sum())
    if thread.article_words:
        in_article = np.fromiter(map(thread.article_words.__contains__, kept), dtype=bool, count=len(kept))
        out[0] = float(idf[in_article].sum()) / idf_total
    if parent_words:
        in_parent = np.fromiter(map(parent_words.__contains__, kept), dtype=bool, count=len(kept))
        out[1] = float(idf[in_parent].sum()) / idf_total
    if siblings:
        in_thread_counts = np.fromiter(map(thread.word_counts.get, kept, repeat(0)), dtype=np.float64, count=len(kept))
        lifts = np.sort(np.log((in_thread_counts - own + 0.1) / (siblings + 1.0) / rate))[::-1]
        out[2] = float(lifts[:3].mean())
        out[3] = float(np.mean(lifts > LIFT_STRONG))
        out[9] = float(idf[in_thread_counts - own > 0].sum()) / idf_total
        out[10] = float(lifts.mean())
    out[4] = np.log1p(idf_total)
    out[5] = np.log1p(siblings)
    out[6] = 1.0 if thread.article_words else 0.0
    out[7] = 1.0 if parent_words else 0.0
    return out


SIGNAL_NAMES = (
    "article_overlap",
    "parent_overlap",
    "top_thread_lift",
    "strong_lift_share",
    "content_size",
    "thread_size",
    "has_article",
    "has_parent",
    "no_content_words",
    "thread_shared_share",
    "mean_thread_lift",
)


def signals_matrix(rows: Sequence[np.ndarray]) -> np.ndarray:
    return np.vstack(rows) if rows else np.zeros((0, N_SIGNALS))


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (numpy's hash-based unique is several times slower than a sort here)."""
    keys = np.sort(keys)
    if len(keys) == 0:
        return keys
    keep = np.empty(len(keys), dtype=bool)
    keep[0] = True
    np.not_equal(keys[1:], keys[:-1], out=keep[1:])
    return keys[keep]


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """values in sorted_keys, by binary search (np.isin would hash both again)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[at] == values


def _group_sizes(keys: np.ndarray) -> np.ndarray:
    """For each element, how many elements share its value."""
    if len(keys) == 0:
        return np.zeros(0)
    order = np.argsort(keys)
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    out = np.empty(len(keys))
    out[order] = np.repeat(sizes, sizes)
    return out


def batch_signals(
    words: Sequence[np.ndarray],
    thread_of: Sequence[int],
    article_words: Sequence[set[int]],
    parent_of: Sequence[int],
    df: DocumentFrequency,
) -> np.ndarray:
    """``signals`` for a whole batch at once, where each comment's thread is the batch's comments of its article.

    ``words[i]`` are comment i's word hashes; ``thread_of[i]`` numbers its article within the batch and
    ``article_words[t]`` are that article's own words; ``parent_of[i]`` is the batch index of the comment it
    replies to, or -1. Gives the same rows as calling ``signals`` one comment at a time (a test checks it),
    with no Python loop over words.
    """
    n = len(words)
    out = np.zeros((n, N_SIGNALS))
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=n)
    if n == 0:
        return out
    doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
    word = np.concatenate(words).astype(np.int64) if lengths.sum() else np.zeros(0, dtype=np.int64)
    pair = _distinct((doc << 32) | word)  # distinct words per comment
    doc, word = pair >> 32, pair & 0xFFFFFFFF
    thread = np.asarray(thread_of, dtype=np.int64)[doc]
    sizes = np.bincount(np.asarray(thread_of, dtype=np.int64))
    siblings = sizes[thread] - 1
    counts = df.lookup(word)
    rate = (counts + 1.0) / (df.n_docs + 2.0)
    idf = -np.log(rate)
    keep = idf >= 2.0
    idf_kept = np.where(keep, idf, 0.0)
    idf_total = np.bincount(doc, weights=idf_kept, minlength=n)
    thread_word = (thread << 32) | word
    article_keys = np.array([(t << 32) | w for t, ws in enumerate(article_words) for w in ws], dtype=np.int64)
    in_article = _member(thread_word, np.sort(article_keys))
    parents = np.asarray(parent_of, dtype=np.int64)
    parent_key = (parents[doc] << 32) | word
    in_parent = (parents[doc] >= 0) & _member(parent_key, pair)
    in_thread_counts = _group_sizes(thread_word)
    lifts = np.log((in_thread_counts - 1 + 0.1) / (siblings + 1.0) / rate)
    has_lift = keep & (siblings > 0)
    # top three lifts per comment: sort by comment, then lift descending, and rank within each comment
    order = np.lexsort((-np.where(has_lift, lifts, -np.inf), doc))
    ranked_doc = doc[order]
    first = np.searchsorted(ranked_doc, ranked_doc, side="left")
    rank = np.arange(len(order)) - first
    top = has_lift[order] & (rank < 3)
    top_sum = np.bincount(ranked_doc[top], weights=lifts[order][top], minlength=n)
    top_n = np.bincount(ranked_doc[top], minlength=n)
    lift_n = np.bincount(doc[has_lift], minlength=n)
    strong = np.bincount(doc[has_lift & (lifts > LIFT_STRONG)], minlength=n)
    shared = np.bincount(
        doc[has_lift & (in_thread_counts > 1)], weights=idf[has_lift & (in_thread_counts > 1)], minlength=n
    )
    lift_sum = np.bincount(doc[has_lift], weights=lifts[has_lift], minlength=n)
    has_words = lengths > 0
    judged = idf_total > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, 0] = np.where(judged, np.bincount(doc, weights=idf_kept * in_article, minlength=n) / idf_total, 0)
        out[:, 1] = np.where(judged, np.bincount(doc, weights=idf_kept * in_parent, minlength=n) / idf_total, 0)
        out[:, 2] = np.where(top_n > 0, top_sum / np.maximum(top_n, 1), 0)
        out[:, 3] = np.where(lift_n > 0, strong / np.maximum(lift_n, 1), 0)
        out[:, 9] = np.where(lift_n > 0, shared / np.where(judged, idf_total, 1), 0)
        out[:, 10] = np.where(lift_n > 0, lift_sum / np.maximum(lift_n, 1), 0)
    thread_sizes = sizes[np.asarray(thread_of, dtype=np.int64)] - 1
    out[:, 4] = np.log1p(idf_total)
    out[:, 5] = np.log1p(thread_sizes)
    out[:, 6] = np.array([bool(article_words[t]) for t in thread_of], dtype=float)
    out[:, 7] = (np.asarray(parent_of) >= 0).astype(float)
    out[has_words & ~judged] = 0.0
    out[has_words & ~judged, 8] = 1.0
    return out

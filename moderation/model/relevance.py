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

import numpy as np

from moderation.model.features import word_hashes
from moderation.model.normalise import normalise, tokens

N_SIGNALS = 9
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
    idf_total = idf_article = idf_parent = 0.0
    lifts: list[float] = []
    for w in words:
        idf = df.idf(w)
        if idf < 2.0:  # stop words say nothing about topic
            continue
        idf_total += idf
        if w in thread.article_words:
            idf_article += idf
        if parent_words and w in parent_words:
            idf_parent += idf
        if siblings:
            in_thread_rate = (thread.word_counts.get(w, 0) - own + 0.1) / (siblings + 1.0)
            lifts.append(float(np.log(in_thread_rate / df.rate(w))))
    if idf_total == 0.0:
        out[8] = 1.0
        return out
    lifts.sort(reverse=True)
    out[0] = idf_article / idf_total
    out[1] = idf_parent / idf_total if parent_words else 0.0
    out[2] = np.mean(lifts[:3]) if lifts else 0.0
    out[3] = sum(1 for x in lifts if x > LIFT_STRONG) / len(lifts) if lifts else 0.0
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
)


def signals_matrix(rows: Sequence[np.ndarray]) -> np.ndarray:
    return np.vstack(rows) if rows else np.zeros((0, N_SIGNALS))

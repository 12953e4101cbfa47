"""Repeated texts: one example per text, so a repeat can neither sit on both sides of a split nor count twice.

Tweets are retweeted, Reddit statements cross-posted to several subreddits, Civil Comments posted twice.
Each copy may have been labeled by different annotators: their answers are pooled by majority.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from moderation.datasets.records import TARGETS, Corpus, Example


def text_key(text: str) -> str:
    """Exact text up to case and whitespace."""
    return " ".join(text.lower().split())


def majority(votes: list[int]) -> int | None:
    """The answer most annotators gave; None without answers or on a tie."""
    ranked = Counter(votes).most_common()
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def merge_repeats(corpus: Corpus) -> None:
    """Merge examples of one corpus with the same text into the first; labels by majority, counted."""
    copies: dict[str, list[Example]] = {}
    for example in corpus.examples:
        copies.setdefault(text_key(example.text), []).append(example)
    if len(copies) == len(corpus.examples):
        return
    merged = []
    for group in copies.values():
        corpus.duplicates += len(group) - 1
        labels = {}
        for target in TARGETS:
            votes = [v for e in group if (v := e.labels[target]) is not None]
            labels[target] = majority(votes)
            corpus.conflicts += len(set(votes)) > 1
        spans = next((e.spans for e in group if e.spans and e.text == group[0].text), ())
        merged.append(replace(group[0], labels=labels, spans=spans))
    corpus.examples = merged

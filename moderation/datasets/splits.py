"""Deduplication across corpora and group-wise train/valid/test splits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Literal

from moderation.datasets.corpora import CORPORA, load_corpus
from moderation.datasets.records import TARGETS, Corpus, DedupReport, Example
from moderation.datasets.repeats import text_key

GLOBE_AND_MAIL = ("c3", "ucc", "socc")
YOUTUBE_SPLITS = {"Youtube05-Shakira": "test", "Youtube04-Eminem": "valid"}
Split = Literal["train", "valid", "test"]


def split_of(example: Example) -> Split:
    """train / valid / test by a stable hash of the example's group (70 / 15 / 15; decisions 80 / 20 / 0)."""
    if example.source == "youtube":
        return YOUTUBE_SPLITS.get(example.group, "train")  # type: ignore[return-value]
    bucket = int(hashlib.sha1(f"{example.source}:{example.group}".encode()).hexdigest()[:8], 16) % 100
    if example.source == "decisions":  # moderators' labels: a fifth calibrates the model for their site
        return "train" if bucket < 80 else "valid"
    return "train" if bucket < 70 else "valid" if bucket < 85 else "test"


def _merge(kept: Example, other: Example) -> Example:
    """The kept copy, with the labels and spans only the other copy knows.

    The context stays the kept copy's: it describes the kept copy's group (its article), and every comment of
    a group must carry the same one.
    """
    merged = {t: kept.labels[t] if kept.labels[t] is not None else other.labels[t] for t in TARGETS}
    spans = kept.spans or (other.spans if other.text == kept.text else ())
    return replace(kept, labels=merged, spans=spans)


def deduplicate(corpora: list[Corpus]) -> DedupReport:
    """Drop exact repeats of a Globe and Mail comment in a later corpus, merging known labels into the first."""
    report = DedupReport()
    first: dict[str, tuple[Corpus, int]] = {}
    for corpus in corpora:
        if corpus.name not in GLOBE_AND_MAIL:
            continue
        kept = []
        for example in corpus.examples:
            key = text_key(example.text)
            if key in first:
                owner, index = first[key]
                if owner is corpus:
                    corpus.duplicates += 1
                else:
                    pair = f"{owner.name}∩{corpus.name}"
                    report.removed[pair] = report.removed.get(pair, 0) + 1
                owner.examples[index] = _merge(owner.examples[index], example)
                continue
            first[key] = (corpus, len(kept))
            kept.append(example)
        corpus.examples = kept
    return report


def load_corpora(data_dir: Path, names: Iterable[str] | None = None) -> tuple[list[Corpus], DedupReport]:
    """Load the named corpora (all by default) and deduplicate the Globe and Mail ones."""
    corpora = [load_corpus(name, data_dir) for name in (names or CORPORA)]
    return corpora, deduplicate(corpora)

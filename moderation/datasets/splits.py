"""Deduplication across corpora and group-wise train/valid/test splits."""

from __future__ import annotations

import hashlib
import re
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
    if example.split is not None:  # the corpus's own split: its test rows are never trained or tuned on
        return example.split  # type: ignore[return-value]
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


LATER_COPIES = {"hatexplain": ("davidson", "olid"), "toxigen_annotated": ("toxigen",)}
"""Corpora that may repeat texts of others (tweets in both tweet sets; ToxiGen statements that were also its
prompts): their copies are dropped, the earlier corpus keeps the text."""
_LOOSE = re.compile(r"[^0-9a-z]+")


def loose_key(text: str) -> str:
    """Text as HateXplain stores it: lower case, punctuation and mentions' markup gone, single spaces."""
    return " ".join(_LOOSE.sub(" ", text.casefold().replace("@user", " ")).split())


def drop_later_copies(corpora: list[Corpus], report: DedupReport) -> None:
    by_name = {c.name: c for c in corpora}
    for name, earlier in LATER_COPIES.items():
        later = by_name.get(name)
        if later is None:
            continue
        seen = {loose_key(e.text) for other in earlier if other in by_name for e in by_name[other].examples}
        kept = [e for e in later.examples if loose_key(e.text) not in seen]
        if len(kept) < len(later.examples):
            pair = "∩".join([*[o for o in earlier if o in by_name], name])
            report.removed[pair] = len(later.examples) - len(kept)
        later.examples = kept


def load_corpora(data_dir: Path, names: Iterable[str] | None = None) -> tuple[list[Corpus], DedupReport]:
    """Load the named corpora (all by default) and deduplicate the Globe and Mail ones and later copies."""
    corpora = [load_corpus(name, data_dir) for name in (names or CORPORA)]
    report = deduplicate(corpora)
    drop_later_copies(corpora, report)
    return corpora, report

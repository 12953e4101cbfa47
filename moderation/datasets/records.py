"""What an adapter produces: labeled examples and the accounting of one corpus."""

from __future__ import annotations

from dataclasses import dataclass, field

TARGETS = ("abuse", "conspiracy", "spam", "off_topic")
"""abuse and conspiracy as in LABELS; spam is promotion (YouTube); off_topic is "not about its context"."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    labels: dict[str, int | None]
    source: str
    group: str
    """The unit a split must not cut: article, video, question, post."""
    context: str | None = None
    """What relevance compares the comment with: article title/text or the forum question."""
    weight: float = 1.0
    """Below 1 for weak or noisy data."""
    spans: tuple[tuple[int, int], ...] = ()
    """Character spans of ``text`` that annotators marked for the positive label (toxic spans, conspiracy markers)."""
    split: str | None = None
    """The corpus's own split ("train", "valid", "test") where it publishes one; None to split by group hash."""
    target: str | None = None
    """The identity group the text is about, where the corpus records it (per-group bias metrics)."""


def labels(**known: int | None) -> dict[str, int | None]:
    """A full label dict: every target present, unknown ones None."""
    return {t: known.get(t) for t in TARGETS}


@dataclass
class Corpus:
    name: str
    folder: str
    license: str
    commercial_use: bool
    examples: list[Example] = field(default_factory=list)
    rows_read: int = 0
    repaired: int = 0
    """Rows whose text needed an encoding repair (mojibake, stray Windows-1252 bytes)."""
    dropped: int = 0
    """Rows that could not be used (empty text, unknown label), each counted."""
    duplicates: int = 0
    """Rows merged into an earlier identical text (or post) of the same corpus."""
    conflicts: int = 0
    """Labels that disagreed across merged rows: the majority is kept, a tie is unknown."""
    sha256: dict[str, str] = field(default_factory=dict)


@dataclass
class DedupReport:
    """Exact-text duplicates removed across the Globe and Mail corpora, by pair."""

    removed: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        return dict(self.removed)

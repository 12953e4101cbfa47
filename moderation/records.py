"""The records every stage shares: articles, comments and rejected input."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from moderation.identity import comment_key


@dataclass(frozen=True, slots=True)
class Article:
    """A page that comments sit under; its text is the context for relevance."""

    id: str
    title: str | None = None
    text: str = ""
    url: str | None = None

    @property
    def context(self) -> str:
        """Title and body as one text, the way relevance sees the article."""
        return "\n".join(part for part in (self.title, self.text) if part)


@dataclass(frozen=True, slots=True)
class Comment:
    """One reader comment, with where it came from (``source`` is ``file:line``).

    ``id`` is the id the source gave; ``key`` is the comment's identity everywhere else (see
    ``moderation.identity``). ``parent_state`` is "deleted" or "rejected" when the comment replied to
    was deleted in the export or could not be read.
    """

    id: str
    text: str
    article_id: str | None = None
    author: str | None = None
    parent_id: str | None = None
    created_at: str | None = None
    source: str | None = None
    parent_state: str | None = None

    @property
    def key(self) -> str:
        return comment_key(self.article_id, self.id)

    @property
    def parent_key(self) -> str | None:
        return comment_key(self.article_id, self.parent_id) if self.parent_id else None

    def to_dict(self) -> dict[str, Any]:
        """The ingest output record: the source's fields, the key, and the parent's key and state."""
        return {**asdict(self), "key": self.key, "parent_key": self.parent_key}


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input record that could not become a comment, and why.

    ``key`` is the key the comment would have had, when the source said enough to know it, so that
    replies to it can say their parent is gone; ``deleted`` when the export itself marked it deleted.
    """

    source: str
    reason: str
    raw: str | None = field(default=None, repr=False)
    key: str | None = None
    deleted: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "reason": self.reason, "raw": self.raw}
        if self.key is not None:
            out["key"] = self.key
        return out


Record = Article | Comment | Rejected


def stable_comment_id(article_id: str | None, author: str | None, text: str) -> str:
    """An id that stays the same across runs for a source that has none of its own."""
    key = "\x1f".join((article_id or "", author or "", " ".join(text.split())))
    return "h" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A phrase of a comment that pushed a label's score up: ``text == comment.text[start:end]``."""

    start: int
    end: int
    text: str
    weight: float
    narratives: tuple[str, ...] = ()
    """For conspiracy: the catalogue narratives this part of the comment is closest to, closest first."""


@dataclass(frozen=True, slots=True)
class ScoredComment:
    """A comment with its per-label probabilities, the labels at or above threshold, and why."""

    comment: Comment
    scores: dict[str, float]
    flags: tuple[str, ...] = ()
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    """Caveats about this score, e.g. that relevance could not be judged without an article."""
    model_version: str | None = None
    article_title: str | None = None
    """The title of the comment's article when the source gave one, so scored files name their articles."""

    def to_dict(self) -> dict[str, Any]:
        """The output contract of ``moderation score``."""
        c = self.comment
        return {
            "id": c.id,
            "key": c.key,
            "article_id": c.article_id,
            "article_title": self.article_title,
            "author": c.author,
            "created_at": c.created_at,
            "text": c.text,
            "scores": {label: round(p, 4) for label, p in self.scores.items()},
            "flags": list(self.flags),
            "evidence": {label: [_evidence(e) for e in spans] for label, spans in self.evidence.items()},
            "notes": list(self.notes),
            "source": c.source,
            "model_version": self.model_version,
        }


def _evidence(e: Evidence) -> dict[str, Any]:
    out: dict[str, Any] = {"start": e.start, "end": e.end, "text": e.text, "weight": round(e.weight, 4)}
    if e.narratives:
        out["narratives"] = list(e.narratives)
    return out

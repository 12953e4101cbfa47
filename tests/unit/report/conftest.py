"""Scored records shaped exactly as ``moderation score`` writes them, without a model."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from moderation.records import Comment, Evidence, ScoredComment

THRESHOLDS = {"abuse": 0.5, "conspiracy": 0.6, "off_topic": 0.7}


def scored_row(
    cid: str,
    text: str,
    abuse: float = 0.05,
    conspiracy: float = 0.05,
    off_topic: float = 0.05,
    *,
    article: str | None = "a1",
    title: str | None = "Bike lanes approved",
    author: str | None = None,
    created_at: str | None = None,
    evidence: dict[str, list[tuple[int, int]]] | None = None,
    model_version: str = "test-model",
) -> dict[str, Any]:
    """One record of ``moderation score`` output, flagged at ``THRESHOLDS``."""
    scores = {"abuse": abuse, "conspiracy": conspiracy, "off_topic": off_topic}
    flags = tuple(label for label, p in scores.items() if p >= THRESHOLDS[label])
    spans = {label: [Evidence(s, e, text[s:e], 1.0) for s, e in pairs] for label, pairs in (evidence or {}).items()}
    comment = Comment(cid, text, article_id=article, author=author, created_at=created_at, source=f"test:{cid}")
    return ScoredComment(comment, scores, flags, spans, (), model_version, title).to_dict()


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path

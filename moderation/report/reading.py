"""Finding and reading the files ``moderation score`` writes: scored JSONL and the rejects beside it.

A path may be a scored JSONL file, ``-`` (standard input), or a folder of them as ``--engine dask``
writes it (``NAME.scored.jsonl`` per partition, ``NAME.rejects.jsonl`` beside each).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderation.errors import InputError
from moderation.ingest.tabular import jsonl_dicts
from moderation.ingest.textio import STDIN, display_path, open_binary
from moderation.labels import LABELS

SCORED_SUFFIX = ".scored.jsonl"
REJECTS_SUFFIX = ".rejects.jsonl"


@dataclass
class ScoredInputs:
    """The scored files a report reads, the rejects files found for them, and partitions left unfinished."""

    scored: list[str] = field(default_factory=list)
    rejects: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)


def find_inputs(paths: Iterable[str], rejects: Iterable[str] = ()) -> ScoredInputs:
    """Expand folders and find each scored file's rejects: ``OUT.rejects.jsonl`` (``moderation score -o OUT``)
    or ``NAME.rejects.jsonl`` beside ``NAME.scored.jsonl`` (``--engine dask``)."""
    found = ScoredInputs()
    for path in paths:
        if path != STDIN and Path(path).is_dir():
            _add_folder(Path(path), found)
        else:
            found.scored.append(path)
            found.rejects.extend(str(p) for p in _rejects_beside(path))
    found.rejects.extend(rejects)
    found.rejects = list(dict.fromkeys(str(Path(p).resolve()) for p in found.rejects))
    return found


def _add_folder(folder: Path, found: ScoredInputs) -> None:
    files = sorted(folder.glob(f"*{SCORED_SUFFIX}")) or sorted(
        p for p in folder.glob("*.jsonl") if not p.name.endswith(REJECTS_SUFFIX)
    )
    if not files:
        raise InputError("no scored JSONL files (*.scored.jsonl or *.jsonl) in this folder", path=str(folder))
    found.scored.extend(str(p) for p in files)
    found.rejects.extend(str(p) for p in sorted(folder.glob(f"*{REJECTS_SUFFIX}")))
    found.unfinished.extend(str(p) for p in sorted(folder.glob(f"*{SCORED_SUFFIX}.partial")))


def _rejects_beside(path: str) -> list[Path]:
    if path == STDIN:
        return []
    file = Path(path)
    candidates = [file.with_name(file.name + REJECTS_SUFFIX)]
    if file.name.endswith(SCORED_SUFFIX):
        candidates.append(file.with_name(file.name.removesuffix(SCORED_SUFFIX) + REJECTS_SUFFIX))
    return [p for p in candidates if p.is_file()]


def read_scored(paths: Iterable[str], encoding: str = "utf-8") -> Iterator[dict[str, Any]]:
    """Scored records one at a time; a record not shaped like ``moderation score`` output is an error
    naming its file and line."""
    for path in paths:
        shown = display_path(path)
        for line, row in jsonl_dicts(path, encoding):
            problem = _problem(row)
            if problem:
                raise InputError(f"not a scored record: {problem}", path=shown, line=line)
            yield row


def _problem(row: dict[str, Any]) -> str | None:
    if not isinstance(row.get("text"), str):
        return "no `text`"
    scores = row.get("scores")
    if not isinstance(scores, dict):
        return "no `scores` (was it written by `moderation score`?)"
    for label in LABELS:
        value = scores.get(label)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
            return f"`scores.{label}` must be a number between 0 and 1"
    flags = row.get("flags")
    if not isinstance(flags, list) or any(f not in LABELS for f in flags):
        return f"`flags` must be a list of labels ({', '.join(LABELS)})"
    return None


@dataclass
class RejectsTally:
    """How many records the scoring run rejected, and the commonest reasons."""

    files: list[str] = field(default_factory=list)
    count: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


MAX_REASONS = 1000
"""Distinct reasons remembered; further ones are counted as ``other`` (a rejects file may be huge)."""


def count_rejects(paths: Iterable[str]) -> RejectsTally:
    """Count rejects files line by line, never holding more than one line."""
    tally = RejectsTally()
    for path in paths:
        tally.files.append(path)
        stream = open_binary(path)
        try:
            for raw in stream:
                if raw.strip():
                    tally.count += 1
                    reason = _reason(raw)
                    if reason not in tally.reasons and len(tally.reasons) >= MAX_REASONS:
                        reason = "other"
                    tally.reasons[reason] = tally.reasons.get(reason, 0) + 1
        finally:
            stream.close()
    return tally


def _reason(raw: bytes) -> str:
    try:
        reason = json.loads(raw).get("reason")
    except (ValueError, RecursionError, AttributeError):
        return "unreadable line in the rejects file"
    return str(reason)[:200] if reason else "no reason given"

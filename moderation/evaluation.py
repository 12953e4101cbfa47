"""Measuring a model on a labeled file: per-label ranking quality and the confusion at its thresholds.

The file is JSONL or CSV with ``text`` (plus the optional comment and article fields the readers accept)
and a 0/1/empty column per label (``abuse``, ``conspiracy``, ``off_topic``); empty means not annotated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moderation.errors import InputError
from moderation.ingest.tabular import COMMENT_FIELDS, RowReader, _resolve, csv_dicts, jsonl_dicts
from moderation.ingest.textio import display_path
from moderation.labels import LABELS
from moderation.model.measure.metrics import label_metrics
from moderation.records import Article, Comment, Record
from moderation.scoring import Scorer

_TRUE = {"1", "1.0", "true", "yes"}
_FALSE = {"0", "0.0", "false", "no"}


@dataclass
class LabeledFile:
    """Records to score plus the gold label of each comment, by comment id."""

    records: list[Record] = field(default_factory=list)
    gold: dict[str, dict[str, int]] = field(default_factory=dict)


def _label(value: Any, label: str, where: str, line: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise InputError(f"`{label}` must be 0, 1 or empty, not {value!r}", path=where, line=line)


def read_labeled(path: str, encoding: str = "utf-8") -> LabeledFile:
    """Read a labeled evaluation file; rows without an id get one from their line number."""
    shown = display_path(path)
    rows = csv_dicts(path, encoding) if path.lower().endswith((".csv", ".tsv")) else jsonl_dicts(path, encoding)
    out = _labeled(rows, shown)
    if not out.gold:
        raise InputError("no labeled rows", path=shown)
    return out


def labeled_from_rows(rows: Iterable[Mapping[str, Any]], name: str = "<rows>") -> LabeledFile:
    """A labeled set from in-memory rows shaped like an evaluation file's (used at training time)."""
    return _labeled(enumerate(rows, 1), name)


def _labeled(rows: Iterable[tuple[int, Mapping[str, Any]]], shown: str) -> LabeledFile:
    reader = RowReader(shown)
    out = LabeledFile()
    for line, row in rows:
        columns = _resolve(row.keys(), COMMENT_FIELDS)
        if "id" not in columns or row.get(columns["id"]) in (None, ""):
            row = {**row, "__row_id": f"row{line}"}
            columns["id"] = "__row_id"
        records = reader.records(row, columns, line)
        for record in records:
            if not isinstance(record, Article | Comment):
                raise InputError(record.reason, path=shown, line=line)
            out.records.append(record)
        comment = records[-1]
        assert isinstance(comment, Comment)
        labels = {label: _label(row.get(label), label, shown, line) for label in LABELS}
        out.gold[comment.id] = {k: v for k, v in labels.items() if v is not None}
    return out


def gold_and_scores(
    model: Any, labeled: LabeledFile, thresholds: Mapping[str, float] | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per label, the gold labels and the model's scores of the rows annotated for it."""
    ys: dict[str, list[int]] = {label: [] for label in LABELS}
    ps: dict[str, list[float]] = {label: [] for label in LABELS}
    for scored in Scorer(model, thresholds, explain=False).score(iter(labeled.records)):
        for label, y in labeled.gold.get(scored.comment.id, {}).items():
            ys[label].append(y)
            ps[label].append(scored.scores[label])
    return {label: (np.array(ys[label]), np.array(ps[label])) for label in LABELS if ys[label]}


def evaluate(model: Any, labeled: LabeledFile, thresholds: Mapping[str, float] | None = None) -> dict[str, Any]:
    """Per-label metrics over the annotated rows, at the model's (or the given) thresholds."""
    limits = {**model.thresholds, **(thresholds or {})}
    return metrics_by_label(gold_and_scores(model, labeled, limits), limits)


def metrics_by_label(
    pairs: Mapping[str, tuple[np.ndarray, np.ndarray]], thresholds: Mapping[str, float]
) -> dict[str, Any]:
    """``label_metrics`` of each label's (gold, scores), at its threshold."""
    return {label: label_metrics(y, p, thresholds[label]) for label, (y, p) in pairs.items()}


def format_report(results: Mapping[str, Mapping[str, Any]]) -> Iterator[str]:
    """A fixed-width table, one line per label."""
    yield (
        f"{'label':<11} {'n':>6} {'pos':>6} {'ROC-AUC':>8} {'AP':>6} {'thresh':>6} "
        f"{'prec':>6} {'recall':>6} {'F1':>6}  tp/fp/fn/tn"
    )
    for label, m in results.items():
        auc = f"{m['roc_auc']:.3f}" if m["roc_auc"] is not None else "-"
        ap = f"{m['average_precision']:.3f}" if m["average_precision"] is not None else "-"
        yield (
            f"{label:<11} {m['n']:>6} {m['positives']:>6} {auc:>8} {ap:>6} {m['threshold']:>6.3f} "
            f"{m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}  {m['tp']}/{m['fp']}/{m['fn']}/{m['tn']}"
        )

"""The report of ``moderation evaluate --report``: how well the model ranks and flags a labeled file, as HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from moderation.labels import LABEL_TITLES
from moderation.report import charts
from moderation.report.html import chart, document, esc, number, section, table


def render_evaluation(
    pairs: Mapping[str, tuple[np.ndarray, np.ndarray]],
    metrics: Mapping[str, Mapping[str, Any]],
    *,
    model_version: str,
    source: str,
    title: str | None = None,
) -> str:
    """The whole page, from each label's (gold, scores) and its ``label_metrics``."""
    ranked = {label: yp for label, yp in pairs.items() if 0 < int(yp[0].sum()) < len(yp[0])}
    parts = [
        section("figures", "Figures at the thresholds", _figures(metrics)),
        section("curves", "Precision and recall", _curves(ranked, metrics, pairs)),
        section("calibration", "Calibration", _calibration(ranked)),
        section("confusion", "Confusion counts", _confusion(metrics)),
    ]
    nav = [
        ("figures", "Figures"),
        ("curves", "Precision-recall"),
        ("calibration", "Calibration"),
        ("confusion", "Confusion"),
    ]
    rows = max((m["n"] for m in metrics.values()), default=0)
    subtitle = (
        f"Model <code>{esc(model_version)}</code> on <code>{esc(source, 120)}</code>, "
        f"up to {number(rows)} labeled rows per label"
    )
    return document(title or f"Evaluation of {model_version}", subtitle, nav, "\n".join(parts))


def _figure(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "-"


def _figures(metrics: Mapping[str, Mapping[str, Any]]) -> str:
    headers = ["label", "rows", "positives", "ROC-AUC", "average precision", "threshold", "precision", "recall", "F1"]
    rows = [
        [
            LABEL_TITLES[label],
            number(m["n"]),
            number(m["positives"]),
            _figure(m["roc_auc"]),
            _figure(m["average_precision"]),
            f"{m['threshold']:.3f}",
            _figure(m["precision"]),
            _figure(m["recall"]),
            _figure(m["f1"]),
        ]
        for label, m in metrics.items()
    ]
    note = (
        '<p class="note">Rows count only where the file gives the label (an empty cell is "not annotated"). '
        "Precision, recall and F1 are those of flagging at the threshold; ROC-AUC and average precision "
        "measure the ranking, whatever the threshold.</p>"
    )
    return table(headers, rows, numeric=tuple(range(1, 9))) + note


def _curves(
    ranked: Mapping[str, tuple[np.ndarray, np.ndarray]],
    metrics: Mapping[str, Mapping[str, Any]],
    pairs: Mapping[str, tuple[np.ndarray, np.ndarray]],
) -> str:
    images = [
        chart(
            charts.precision_recall(label, y, p, metrics[label]["threshold"]), f"{LABEL_TITLES[label]} precision-recall"
        )
        for label, (y, p) in ranked.items()
    ]
    skipped = [LABEL_TITLES[label] for label in pairs if label not in ranked]
    note = (
        '<p class="note">Each curve is precision against recall as the threshold moves from high to low; '
        "the dot is the threshold in use."
    )
    if skipped:
        note += f" No curve for {', '.join(skipped)}: the file has only positives or only negatives for it."
    return f'<div class="charts wide">{"".join(images)}</div>{note}</p>'


def _calibration(ranked: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> str:
    if not ranked:
        return '<p class="note">No label has both positive and negative rows: nothing to draw.</p>'
    note = (
        '<p class="note">Rows are sorted by score and cut into ten bins of equal size; each point is a bin\'s mean '
        "score against the share of its rows that are positive. On the dashed line, a score of 0.3 means "
        "30% of such comments are positive. Calibration depends on how common each label is in the file.</p>"
    )
    return chart(charts.reliability(ranked), "Reliability diagram") + note


def _confusion(metrics: Mapping[str, Mapping[str, Any]]) -> str:
    blocks = []
    for label, m in metrics.items():
        rows = [
            ["positive", number(m["tp"]), number(m["fn"])],
            ["negative", number(m["fp"]), number(m["tn"])],
        ]
        grid = table(["gold \\ model", "flagged", "not flagged"], rows, numeric=(1, 2), kind="confusion")
        blocks.append(f"<div><h3>{LABEL_TITLES[label]} (threshold {m['threshold']:.3f})</h3>{grid}</div>")
    return f'<div class="grid2">{"".join(blocks)}</div>'

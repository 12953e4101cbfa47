"""Quality figures for one label: ranking (ROC-AUC, average precision) and the confusion at a threshold."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score


def label_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, Any]:
    """n, positives, ROC-AUC, AP, precision/recall/F1 at ``threshold`` and the confusion counts."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    flagged = p >= threshold
    tp = int(np.sum(flagged & (y == 1)))
    fp = int(np.sum(flagged & (y == 0)))
    fn = int(np.sum(~flagged & (y == 1)))
    tn = int(np.sum(~flagged & (y == 0)))
    both = 0 < y.sum() < len(y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, p)) if both else None,
        "average_precision": float(average_precision_score(y, p)) if both else None,
        "threshold": float(threshold),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }


def threshold_for_precision(y: np.ndarray, p: np.ndarray, target: float, min_recall: float = 0.05) -> float:
    """The lowest threshold whose precision on (y, p) reaches ``target``; the best-F1 one when none does.

    Lowest, because among thresholds meeting the precision target it catches the most.
    """
    y = np.asarray(y, dtype=int)
    order = np.argsort(-np.asarray(p))
    ps, ys = np.asarray(p)[order], y[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    precision = tp / k
    recall = tp / max(int(ys.sum()), 1)
    # only cut between distinct scores
    last_of_value = np.r_[ps[1:] != ps[:-1], True]
    ok = last_of_value & (precision >= target) & (recall >= min_recall)
    if ok.any():
        return float(ps[np.flatnonzero(ok)[-1]])
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    f1 = np.where(last_of_value, f1, -1)
    return float(ps[int(np.argmax(f1))])

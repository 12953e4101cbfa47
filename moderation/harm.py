"""Which comments are worst: the one rule the review queue and the report both order by.

The order is meant to be predicted by the moderator reading it:

1. flagged comments before unflagged ones;
2. flagged comments grouped by the most severe label they are flagged for (by default abuse, then
   conspiracy, then off-topic; the config's ``[severity]`` table changes that), so a certain insult is never
   buried under a pile of weak off-topic flags;
3. within a group, the most likely first: by the calibrated score of that label;
4. then unflagged comments, nearest miss first: by the largest share of a threshold any label reaches
   (which is also how the "most uncertain" order ranks them).

Why the calibrated score and not the margin over the threshold: within one label the two sort exactly alike
(the threshold is the same for every comment), so they differ only where labels of equal severity share a
group. There a calibrated score compares like with like, the chance that the flag is right, whereas margins
would compare distances from thresholds chosen for different precision targets. It also needs nothing but
the score, so the report, which reads scored files that do not carry their thresholds, ranks by the same rule.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from moderation.labels import LABEL_TITLES, LABELS

DEFAULT_SEVERITY: dict[str, float] = {"abuse": 3, "conspiracy": 2, "off_topic": 1}
"""How harmful each label is when flagged: higher comes first; only the order of the numbers matters."""


def label_name(label: str) -> str:
    """The label as a word in a sentence: ``off-topic``, not ``off_topic``."""
    return LABEL_TITLES[label].lower()


def deciding_label(scores: Mapping[str, float], flags: Collection[str], severity: Mapping[str, float]) -> str | None:
    """The flag that places a comment: its most severe one, and of equally severe ones the likeliest.

    None for an unflagged comment. Exact ties go to the label that comes first in ``LABELS``.
    """
    flagged = [label for label in LABELS if label in flags]
    if not flagged:
        return None
    return max(flagged, key=lambda label: (severity[label], scores[label]))


def nearest_label(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> str:
    """The label whose threshold the comment comes closest to, as a share of that threshold."""
    return max(LABELS, key=lambda label: scores[label] / max(thresholds[label], 1e-9))


@dataclass(frozen=True)
class HarmRanking:
    """The harm order of a set of comments and, per comment, the label that placed it there."""

    order: np.ndarray
    """Positions of the comments, most harmful first (ties keep the input order)."""
    label: np.ndarray
    """Per comment, the index in ``LABELS`` of its deciding label, or of its nearest threshold if unflagged."""
    flagged: np.ndarray
    """Per comment, whether it is flagged for any label."""


def rank_by_harm(
    scores: np.ndarray, flagged: np.ndarray, thresholds: Mapping[str, float], severity: Mapping[str, float]
) -> HarmRanking:
    """The harm order of ``n`` comments (module docstring), with numpy: one sort, whatever ``n``.

    Args:
        scores: (n, len(LABELS)) calibrated scores, columns in ``LABELS`` order.
        flagged: (n, len(LABELS)) whether each label is flagged (as the scorer decided it).
        thresholds: the threshold per label, to rank unflagged comments by their nearest miss.
        severity: per label, higher is more harmful.
    """
    n = len(scores)
    sev = np.array([float(severity[label]) for label in LABELS])
    limits = np.maximum(np.array([thresholds[label] for label in LABELS], dtype=float), 1e-9)
    any_flag = flagged.any(axis=1)
    tier = np.where(flagged, sev, -np.inf).max(axis=1, initial=-np.inf)  # -inf: not flagged
    in_tier = flagged & (sev == tier[:, None])
    deciding = np.where(in_tier, scores, -1.0).argmax(axis=1)
    nearness = scores / limits
    label = np.where(any_flag, deciding, nearness.argmax(axis=1))
    rows = np.arange(n)
    confidence = np.where(any_flag, scores[rows, label], nearness[rows, label])
    tier = np.where(any_flag, tier, 0.0)
    order = np.lexsort((-confidence, -tier, ~any_flag))  # last key first; lexsort is stable
    return HarmRanking(order=order, label=label, flagged=any_flag)


def versus(score: float, threshold: float, digits: int = 2, *, compact: bool = False) -> str:
    """``0.99 ≥ 0.80``: a score against its threshold, with as many decimals as the sign needs to be true.

    At two decimals 0.4996 against 0.50 would read "0.50 < 0.50"; it reads "0.4996 < 0.5000" instead.
    ``compact`` leaves out the spaces (``0.99≥0.80``), for a column.
    """
    above = score >= threshold
    for places in range(digits, 7):
        shown, limit = float(f"{score:.{places}f}"), float(f"{threshold:.{places}f}")
        if (shown >= limit) == above and (above or shown != limit):
            break
    sign = "≥" if above else "<"
    if not compact:
        sign = f" {sign} "
    return f"{score:.{places}f}{sign}{threshold:.{places}f}"


@dataclass(frozen=True, slots=True)
class Placement:
    """Why a comment sits where it does in the harm order: the label that placed it, against its threshold."""

    label: str
    score: float
    threshold: float
    flagged: bool
    severity: float

    def describe(self, digits: int = 2) -> str:
        """``abuse 0.99 ≥ 0.80`` (flagged) or ``abuse 0.45 < 0.80`` (its nearest miss)."""
        return f"{label_name(self.label)} {versus(self.score, self.threshold, digits)}"

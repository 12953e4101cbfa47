"""Per-group bias metrics for the abuse score, as defined for the unintended-bias toxicity benchmark.

For each identity group (the texts that mention or target it) against the rest (the background):

- subgroup AUC: ranking within the group's texts alone. Low when abusive and benign mentions of the group are
  confused;
- BPSN AUC (background positive, subgroup negative): the group's benign texts against abusive texts of the
  background. Low when merely naming the group raises the score: the false positives moderation must avoid;
- BNSP AUC (background negative, subgroup positive): the group's abusive texts against benign background texts.
  Low when abuse against the group scores lower than ordinary text.

Each kind is summarised over groups by a power mean with p = -5, which is pulled towards the worst group, and
the three means with the overall AUC make the benchmark's final score (a quarter each). Groups with fewer than
``MIN_EXAMPLES`` texts of either class give no AUC: it would be noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import roc_auc_score

POWER = -5.0
MIN_EXAMPLES = 10
KINDS = ("subgroup", "bpsn", "bnsp")


def power_mean(values: Sequence[float], p: float = POWER) -> float:
    """The generalised mean; with p < 0 a single bad group drags it down (nan when there is nothing to average)."""
    v = np.asarray([x for x in values if not np.isnan(x)], dtype=np.float64)
    if not len(v):
        return float("nan")
    return float(np.mean(v**p) ** (1.0 / p))


@dataclass
class GroupBias:
    group: str
    n: int
    positives: int
    subgroup: float
    bpsn: float
    bnsp: float


@dataclass
class BiasReport:
    overall_auc: float
    groups: list[GroupBias] = field(default_factory=list)

    def mean(self, kind: str) -> float:
        return power_mean([getattr(g, kind) for g in self.groups])

    @property
    def bias_mean(self) -> float:
        """One power mean over every group's three bias AUCs."""
        return power_mean([getattr(g, k) for g in self.groups for k in KINDS])

    @property
    def final(self) -> float:
        """The benchmark's final score: overall AUC and the three power means, a quarter each."""
        return float(np.mean([self.overall_auc, *(self.mean(k) for k in KINDS)]))

    def as_dict(self) -> dict[str, object]:
        return {
            "overall_auc": self.overall_auc,
            **{f"{k}_mean": self.mean(k) for k in KINDS},
            "bias_mean": self.bias_mean,
            "final": self.final,
            "groups": [vars(g) for g in self.groups],
        }


def _auc(y: np.ndarray, s: np.ndarray) -> float:
    if (y == 1).sum() < MIN_EXAMPLES or (y == 0).sum() < MIN_EXAMPLES:
        return float("nan")
    return float(roc_auc_score(y, s))


def bias_report(y: np.ndarray, scores: np.ndarray, groups: Mapping[str, np.ndarray]) -> BiasReport:
    """Bias AUCs per group; ``groups`` maps a group name to a boolean mask of the texts in it."""
    y = np.asarray(y)
    scores = np.asarray(scores, dtype=np.float64)
    report = BiasReport(overall_auc=float(roc_auc_score(y, scores)))
    for name, member in sorted(groups.items()):
        member = np.asarray(member, dtype=bool)
        if not member.any():
            continue
        pos, neg = y == 1, y == 0
        bpsn = (pos & ~member) | (neg & member)
        bnsp = (neg & ~member) | (pos & member)
        report.groups.append(
            GroupBias(
                group=name,
                n=int(member.sum()),
                positives=int((pos & member).sum()),
                subgroup=_auc(y[member], scores[member]),
                bpsn=_auc(y[bpsn], scores[bpsn]) if (neg & member).sum() >= MIN_EXAMPLES else float("nan"),
                bnsp=_auc(y[bnsp], scores[bnsp]) if (pos & member).sum() >= MIN_EXAMPLES else float("nan"),
            )
        )
    return report

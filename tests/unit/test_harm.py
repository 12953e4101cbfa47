import numpy as np
import pytest

from moderation.harm import DEFAULT_SEVERITY, deciding_label, nearest_label, rank_by_harm, versus
from moderation.labels import LABELS

THRESHOLDS = {"abuse": 0.8, "conspiracy": 0.7, "off_topic": 0.505}


@pytest.mark.parametrize(
    "severity", [DEFAULT_SEVERITY, {"abuse": 2, "conspiracy": 3, "off_topic": 1}, dict.fromkeys(LABELS, 1)]
)
def test_the_queue_and_the_report_place_every_comment_by_the_same_label(severity) -> None:
    rng = np.random.default_rng(7)
    scores = np.round(rng.random((2000, len(LABELS))), 2)  # rounded: many exact ties
    limits = np.array([THRESHOLDS[label] for label in LABELS])
    flagged = scores >= limits
    ranking = rank_by_harm(scores, flagged, THRESHOLDS, severity)
    for i in range(len(scores)):
        row = dict(zip(LABELS, scores[i].tolist(), strict=True))
        flags = [label for label, f in zip(LABELS, flagged[i], strict=True) if f]
        expected = deciding_label(row, flags, severity) or nearest_label(row, THRESHOLDS)
        assert LABELS[ranking.label[i]] == expected
    assert sorted(ranking.order.tolist()) == list(range(len(scores)))


def test_an_empty_queue_has_an_empty_order() -> None:
    empty = rank_by_harm(np.zeros((0, 3)), np.zeros((0, 3), dtype=bool), THRESHOLDS, DEFAULT_SEVERITY)
    assert empty.order.tolist() == [] and empty.label.tolist() == []


@pytest.mark.parametrize(
    ("score", "threshold", "shown"),
    [
        (0.99, 0.8, "0.99 ≥ 0.80"),
        (0.45, 0.5, "0.45 < 0.50"),
        (0.4996, 0.5, "0.4996 < 0.5000"),  # not "0.50 < 0.50"
        (0.5, 0.5, "0.50 ≥ 0.50"),
        (0.671, 0.505, "0.67 ≥ 0.51"),
    ],
)
def test_a_score_against_its_threshold_reads_true(score: float, threshold: float, shown: str) -> None:
    assert versus(score, threshold) == shown

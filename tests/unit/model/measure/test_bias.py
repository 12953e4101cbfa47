"""Per-group bias metrics: each AUC measures the confusion it is named for."""

from __future__ import annotations

import numpy as np
import pytest

from moderation.model.measure.bias import bias_report, power_mean


def _data(group_shift: float) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Texts of one group score ``group_shift`` higher than their label alone would make them."""
    rng = np.random.default_rng(0)
    n = 400
    y = np.tile([0, 1], n // 2)
    member = np.arange(n) < n // 4
    scores = y * 2.0 + rng.normal(0, 0.5, n) + group_shift * member
    return y, scores, {"group": member}


def test_an_unbiased_score_scores_high_everywhere() -> None:
    report = bias_report(*_data(0.0))
    (g,) = report.groups
    assert min(g.subgroup, g.bpsn, g.bnsp, report.overall_auc) > 0.95


def test_naming_the_group_raising_the_score_shows_as_low_bpsn_and_high_bnsp() -> None:
    report = bias_report(*_data(2.0))
    (g,) = report.groups
    assert g.bpsn < 0.6 < 0.95 < g.bnsp
    assert g.subgroup > 0.95  # within the group the ranking is still right
    assert report.bias_mean < 0.7  # one bad figure drags the power mean down


def test_abuse_against_the_group_scoring_low_shows_as_low_bnsp() -> None:
    (g,) = bias_report(*_data(-2.0)).groups
    assert g.bnsp < 0.6 < 0.95 < g.bpsn


def test_small_groups_give_no_figure() -> None:
    y, scores, _ = _data(0.0)
    tiny = np.zeros(len(y), dtype=bool)
    tiny[:6] = True
    (g,) = bias_report(y, scores, {"tiny": tiny}).groups
    assert np.isnan(g.subgroup) and np.isnan(g.bpsn) and np.isnan(g.bnsp)


def test_power_mean_is_pulled_to_the_worst_value() -> None:
    assert power_mean([0.9, 0.9, 0.9]) == pytest.approx(0.9)
    assert power_mean([0.95, 0.95, 0.5]) < 0.65
    assert np.isnan(power_mean([]))

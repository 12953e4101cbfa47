import numpy as np
import pytest

from moderation.model.measure.metrics import label_metrics, threshold_for_precision


def test_confusion_counts_and_rates() -> None:
    y = np.array([1, 1, 0, 0, 1, 0])
    p = np.array([0.9, 0.4, 0.8, 0.1, 0.7, 0.2])
    m = label_metrics(y, p, 0.5)
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (2, 1, 1, 2)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["roc_auc"] == pytest.approx(7 / 9)


def test_threshold_is_lowest_reaching_the_precision_target() -> None:
    y = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    p = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3])
    # precision at 0.6 is 4/5 = 0.8; at 0.8 it is 1.0
    assert threshold_for_precision(y, p, 0.8) == pytest.approx(0.6)
    assert threshold_for_precision(y, p, 0.95) == pytest.approx(0.8)


def test_unreachable_target_falls_back_to_best_f1() -> None:
    y = np.array([0, 1, 0, 1])
    p = np.array([0.9, 0.8, 0.7, 0.6])
    assert threshold_for_precision(y, p, 0.99) == pytest.approx(0.6)


def test_one_class_has_no_auc() -> None:
    assert label_metrics(np.array([0, 0]), np.array([0.1, 0.2]), 0.5)["roc_auc"] is None


def test_platt_calibration_is_monotone_and_matches_frequencies() -> None:
    from moderation.model.linear.training import fit_platt

    rng = np.random.default_rng(0)
    raw = rng.normal(size=4000)
    truth = 1 / (1 + np.exp(-(2.0 * raw - 1.0)))  # the probabilities the raw scores really carry
    y = (rng.random(4000) < truth).astype(int)
    platt = fit_platt(raw, y)
    p = platt(np.sort(raw))
    assert np.all(np.diff(p) >= 0) and p.min() >= 0 and p.max() <= 1
    assert platt.a == pytest.approx(2.0, abs=0.3) and platt.b == pytest.approx(-1.0, abs=0.2)

import numpy as np
import pytest

from moderation.model.metrics import label_metrics, threshold_for_precision


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

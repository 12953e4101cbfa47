"""The numpy stand-ins give scikit-learn's relevance probabilities exactly, and step aside for anything else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from moderation.model import artifact
from moderation.model.linear.numpy_pipeline import Pipeline, Unsupported


def _rows(n: int = 5000, width: int = 11) -> np.ndarray:
    rows = np.random.default_rng(7).normal(0, 2, (n, width))
    rows[:10] *= 1e4  # hopeless scores, where exp overflows
    return rows


def test_the_shipped_pipelines_read_with_stand_ins_give_the_same_numbers() -> None:
    """Both tiers' relevance models: the linear tier's signals and the full tier's semantic features."""
    from moderation.model.full.tier import RELEVANCE_FEATURES
    from moderation.model.linear.relevance import N_SIGNALS

    path = artifact.shipped_model_path()
    light, real = artifact._read_with_stand_ins(path), joblib.load(path)
    for tier, width in ((lambda m: m.fast, N_SIGNALS), (lambda m: m, len(RELEVANCE_FEATURES))):
        assert isinstance(tier(light).relevance, Pipeline)
        rows = _rows(width=width)
        assert np.array_equal(tier(light).relevance.predict_proba(rows), tier(real).relevance.predict_proba(rows))


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_stand_ins_match_scikit_learn_for_other_degrees(tmp_path: Path, degree: int) -> None:
    rows = _rows(2000, 4)
    labels = (rows[:, 0] * rows[:, 1] + rows[:, 2] > 0).astype(int)
    fitted = make_pipeline(StandardScaler(), PolynomialFeatures(degree), LogisticRegression(max_iter=500))
    fitted.fit(rows, labels)
    path = tmp_path / "p.joblib"
    joblib.dump(fitted, path, compress=("zlib", 6))
    light = artifact._read_with_stand_ins(path)
    assert np.array_equal(light.predict_proba(rows), fitted.predict_proba(rows))


@pytest.mark.parametrize(
    "estimator",
    [DecisionTreeClassifier(max_depth=2), LogisticRegression(max_iter=200)],
    ids=["no stand-in for the class", "three classes"],
)
def test_anything_else_is_left_to_scikit_learn(tmp_path: Path, estimator) -> None:
    rows = _rows(300, 3)
    fitted = make_pipeline(StandardScaler(), estimator).fit(rows, np.arange(300) % 3)
    path = tmp_path / "other.joblib"
    joblib.dump(fitted, path)
    with pytest.raises(Unsupported):
        artifact._read_with_stand_ins(path)
    assert joblib.load(path).predict_proba(rows).shape == (300, 3)  # the reader was put back


def test_scoring_with_the_shipped_model_does_not_import_scikit_learn() -> None:
    probe = (
        "import sys; from moderation.model import load_model; from moderation.records import Comment; "
        "load_model().score([Comment(id='1', text='hello there', article_id='a'), "
        "Comment(id='2', text='hello again', article_id='a')]); print('sklearn' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

"""The numpy stand-ins give scikit-learn's relevance probabilities, and step aside for anything else.

The same numbers to within rounding, not bit for bit: the stand-ins compute ``1 / (1 + exp(-s))`` with numpy's
``exp``, which on AVX-512 CPUs is numpy's own vector code, while scikit-learn's ``expit`` calls the C library's;
the two can differ in the last bit. What users see, the scores at 4 decimals and the flags, is the same.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
from same_scores import assert_same_records, assert_same_scores
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from moderation.model import artifact
from moderation.model.linear.numpy_pipeline import Pipeline, Unsupported

RTOL, ATOL = 1e-9, 1e-12
"""Probabilities agree this closely: far inside the 4 decimals written, far outside the last bit CPUs differ by."""


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
        got, want = tier(light).relevance.predict_proba(rows), tier(real).relevance.predict_proba(rows)
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("degree", [1, 2, 3])
def test_stand_ins_match_scikit_learn_for_other_degrees(tmp_path: Path, degree: int) -> None:
    rows = _rows(2000, 4)
    labels = (rows[:, 0] * rows[:, 1] + rows[:, 2] > 0).astype(int)
    fitted = make_pipeline(StandardScaler(), PolynomialFeatures(degree), LogisticRegression(max_iter=500))
    fitted.fit(rows, labels)
    path = tmp_path / "p.joblib"
    joblib.dump(fitted, path, compress=("zlib", 6))
    light = artifact._read_with_stand_ins(path)
    np.testing.assert_allclose(light.predict_proba(rows), fitted.predict_proba(rows), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("tier", ["fast", "full"])
def test_the_seeds_score_the_same_as_written_whichever_reads_the_model(seeds_dir: Path, tier: str) -> None:
    from moderation.ingest import iter_records
    from moderation.scoring import Scorer

    path = artifact.shipped_model_path()
    light, real = artifact._read_with_stand_ins(path), joblib.load(path)
    if tier == "fast":
        light, real = light.fast, real.fast
    records = list(iter_records([str(seeds_dir)]))
    got, want = list(Scorer(light).score(records)), list(Scorer(real).score(records))
    assert len(got) == len(want) == 118
    assert any(not s.notes for s in want)  # relevance, the stand-ins' part, was judged
    for a, b in zip(got, want, strict=True):
        assert_same_scores(a, b, real.thresholds)
        assert_same_records(a.to_dict(), b.to_dict(), real.thresholds)


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

"""Scores of one comment from two code paths, compared as users see them.

Two implementations of the same arithmetic (the numpy stand-ins and scikit-learn, a model in memory and the
same model read back from its file, a comment scored in one batch and in another) agree to about 1e-15, not
bit for bit: BLAS kernels and numpy's own vector code (its ``exp`` on AVX-512 CPUs, for one) add and round
in orders that depend on the CPU. What users see is the flags and the scores at the 4 decimals records
carry, so that is what these compare, written so that a score sitting on a rounding boundary or on its
threshold cannot make them flake. Exact comparisons stay where the same code runs on the same machine (a
rerun, ``--jobs 2``, a resumed run).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moderation.records import ScoredComment

TOLERANCE = 1e-6
"""How far apart two unrounded scores of one comment may be: a hundredth of the 4th decimal that records show,
and about a billion times what CPU kernels differ by."""

STEP = 1e-4
"""One unit in the 4th decimal: records carry scores rounded to 4 decimals."""


def assert_same_scores(got: ScoredComment, want: ScoredComment, thresholds: Mapping[str, float]) -> None:
    """Unrounded scores within ``TOLERANCE``, and the same flags except for a label whose score is within
    ``TOLERANCE`` of its threshold (there either side is right)."""
    assert got.scores.keys() == want.scores.keys()
    for label, expected in want.scores.items():
        assert abs(got.scores[label] - expected) <= TOLERANCE, f"{label}: {got.scores[label]!r} against {expected!r}"
    on_edge = {label for label, p in want.scores.items() if abs(p - thresholds[label]) <= TOLERANCE}
    assert set(got.flags) - on_edge == set(want.flags) - on_edge


def assert_same_records(got: dict[str, Any], want: dict[str, Any], thresholds: Mapping[str, float]) -> None:
    """Two written records of one comment. Each score is the same at 4 decimals, or one step apart (two values
    a hair apart can round either side of a boundary such as 0.12345); flags and evidence are the same except
    for a label whose written score is within a step of its threshold; every other field is identical."""
    assert got.keys() == want.keys()
    for label, expected in want["scores"].items():
        assert abs(got["scores"][label] - expected) <= STEP * 1.0001, f"{label}: {got['scores'][label]} vs {expected}"
    on_edge = {label for label, p in want["scores"].items() if abs(p - thresholds[label]) <= STEP}
    assert set(got["flags"]) - on_edge == set(want["flags"]) - on_edge
    assert {k: v for k, v in got["evidence"].items() if k not in on_edge} == {
        k: v for k, v in want["evidence"].items() if k not in on_edge
    }
    others = set(want) - {"scores", "flags", "evidence"}
    assert {k: got[k] for k in others} == {k: want[k] for k in others}

"""Thresholds: the precision target, and the identity floor that keeps "I am gay." unflagged."""

from __future__ import annotations

import numpy as np

from moderation.datasets.records import Corpus, Example, labels
from moderation.model.linear.training import build_training_set, calibration_sets, choose_thresholds


def _training_set(identity_template: str) -> object:
    news = [Example(f"comment {k}", labels(abuse=int(k < 4)), "c3", f"a{k}", split="valid") for k in range(40)]
    identity = [
        Example(f"I am person {k}.", labels(abuse=0), "identity", identity_template, split="valid", target="g")
        for k in range(50)
    ]
    return build_training_set([Corpus("c3", "c3", "", False, news)], written=identity, progress=lambda _: None)


def _probs(ts, identity_score: float) -> dict[str, np.ndarray]:
    abuse = np.array([0.9 if e.labels["abuse"] == 1 else 0.1 for e in ts.examples])
    abuse[[e.source == "identity" for e in ts.examples]] = identity_score
    return {"abuse": abuse, "conspiracy": np.zeros(len(ts.examples))}


def test_the_abuse_threshold_rises_above_what_neutral_identity_statements_score() -> None:
    ts = _training_set("short-01")
    assert choose_thresholds(ts, calibration_sets(ts), _probs(ts, 0.2))["abuse"] == 0.9  # precision target alone
    raised = choose_thresholds(ts, calibration_sets(ts), _probs(ts, 0.95))["abuse"]
    assert raised >= 0.95  # no neutral statement of the validation side is flagged


def test_statements_that_quote_hateful_words_do_not_set_the_floor() -> None:
    ts = _training_set("counter-01")  # counter-speech is measured apart, not used for the floor
    assert choose_thresholds(ts, calibration_sets(ts), _probs(ts, 0.95))["abuse"] == 0.9

"""A tiny but real model, fitted in a second on toy comments, for tests that must not depend on training data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from moderation.model.linear.classifier import HEADS, Model, Platt
from moderation.model.linear.features import featurize
from moderation.model.linear.relevance import N_SIGNALS, DocumentFrequency

TOY = {
    "abuse": (["you are an idiot", "shut up moron", "what a stupid fool"], ["thanks for the article", "good point"]),
    "conspiracy": (["the vaccine is a plot by the elites", "chemtrails control us"], ["the budget passed", "nice"]),
    "spam": (["check out my channel subscribe", "free money click here"], ["i disagree with the mayor", "agreed"]),
}


def build_tiny_model() -> Model:
    n = featurize(["x"]).X.shape[1]
    weights = np.zeros((n, len(HEADS)), dtype=np.float32)
    bias = np.zeros(len(HEADS))
    for k, head in enumerate(HEADS):
        pos, neg = TOY[head]
        X = featurize(pos + neg).X
        clf = LogisticRegression(C=100).fit(X, [1] * len(pos) + [0] * len(neg))
        weights[:, k] = clf.coef_.ravel()
        bias[k] = clf.intercept_[0]
    rng = np.random.default_rng(0)
    signals = rng.random((40, N_SIGNALS))
    relevance = LogisticRegression().fit(signals, (signals[:, 0] < 0.3).astype(int))  # low overlap: off topic
    return Model(
        weights=weights.astype(np.float16),
        bias=bias,
        calibration={h: Platt() for h in HEADS},
        relevance=relevance,
        document_frequency=DocumentFrequency(counts={}, n_docs=100),
        thresholds={"abuse": 0.5, "conspiracy": 0.5, "off_topic": 0.5},
        version="tiny",
    )


@pytest.fixture(scope="session")
def tiny_model() -> Model:
    return build_tiny_model()


def build_tiny_full_model(fast: Model):
    """A full tier over the tiny linear one: encoder heads fitted on the same toy comments."""
    from moderation.model.encoder.network import encoder_id, shared_encoder
    from moderation.model.full.tier import RELEVANCE_FEATURES, Blend, EncoderHeads, FullModel, Head, head_features

    encoder = shared_encoder()
    heads, vectors = {}, {}
    for head in HEADS:
        pos, neg = TOY[head]
        vectors[head] = (head_features(encoder.embed(pos + neg)), [1] * len(pos) + [0] * len(neg))
    everything = np.vstack([v for v, _ in vectors.values()])
    center, scale = everything.mean(axis=0), everything.std(axis=0) + 1e-6
    for head in HEADS:
        X, y = vectors[head]
        clf = LogisticRegression(C=10).fit((X - center) / scale, y)
        heads[head] = Head(clf.coef_.ravel(), np.asarray(clf.intercept_[0]))
    rng = np.random.default_rng(0)
    rows = rng.random((60, len(RELEVANCE_FEATURES)))
    relevance = LogisticRegression().fit(rows, (rows[:, 1] < 0.3).astype(int))  # far from the article: off topic
    return FullModel(
        fast=fast,
        heads=EncoderHeads(center=center, scale=scale, heads=heads),
        blends={h: Blend(1.0, 0.5, 0.0) for h in HEADS},
        relevance=relevance,
        thresholds={"abuse": 0.5, "conspiracy": 0.5, "off_topic": 0.5},
        version="tiny-full",
        encoder_id=encoder_id(),
    )


@pytest.fixture(scope="session")
def tiny_full_model(tiny_model: Model):
    return build_tiny_full_model(tiny_model)

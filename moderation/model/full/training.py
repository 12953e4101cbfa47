"""Training the full tier on top of a trained linear tier: encoder heads, blends, semantic relevance.

Model selection rewards generalisation: for abuse and conspiracy, each candidate (the heads'
regularisation, and whether the linear tier's score joins the blend) is trained with one corpus family
left out and scored on that family; the candidate with the best mean ROC-AUC over left-out families wins.
Only train and validation splits take part; test splits are measured once, after everything is fixed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from moderation.model.encoder.cache import cached_vectors
from moderation.model.full.tier import (
    RELEVANCE_FEATURES,
    Blend,
    EncoderHeads,
    FullModel,
    add_length,
    head_features,
    logit,
    unit_means,
)
from moderation.model.linear.classifier import HEADS, Model
from moderation.model.linear.training import (
    NEWS,
    PRECISION_TARGET,
    PRESUMED_NEGATIVE_WEIGHT,
    TWEETS,
    TrainingSet,
    fit_head,
    off_topic_threshold,
    relevance_pairs,
)
from moderation.model.measure.metrics import threshold_for_precision

Progress = Callable[[str], None]

FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    # corpora grouped by where their text comes from; a family is left out whole
    "abuse": {"news comments": NEWS, "tweets": TWEETS, "identity statements": ("toxigen",)},
    "conspiracy": {
        "Reddit": ("psycomark",),
        "Telegram": ("pan",),
        "tweets": ("mediaeval",),
        "vaccine comments": ("covid",),
    },
}
"""Corpora that never leave training: civil_spans (abuse positives only) and qanon (conspiracy positives only)
cannot be scored alone; decisions are the site's own data."""
CANDIDATES: tuple[tuple[float, bool], ...] = ((0.005, False), (0.005, True), (0.05, False), (0.05, True))
"""(C of the encoder heads, whether the linear score joins the blend)."""
SPAM_CANDIDATE = (0.05, True)
"""Spam has one corpus (YouTube), so no family can be left out: the linear tier's spam head is strong there."""


class CachedEncoder:
    """The encoder behind the on-disk cache, for training: texts seen before are not embedded again."""

    def __init__(self, report: Callable[[int, int], None] | None = None) -> None:
        from moderation.model.encoder.network import DIM, encoder_id

        self.encoder_id = encoder_id()
        self.dim = DIM
        self.report = report
        self._encoder: Any = None

    def _load(self) -> Any:
        if self._encoder is None:
            from moderation.model.encoder.network import shared_encoder

            self._encoder = shared_encoder()
        return self._encoder

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return cached_vectors(list(texts), self._load, self.encoder_id, self.dim, report=self.report)


def progress_bar(progress: Progress, what: str) -> Callable[[int, int], None]:
    """A text progress bar for the embedding step, at most every two seconds."""
    started = time.perf_counter()
    shown = [0.0]

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - shown[0] < 2 and done < total:
            return
        shown[0] = now
        rate = done / max(now - started, 1e-9)
        bar = "#" * int(30 * done / total)
        eta = (total - done) / max(rate, 1e-9)
        progress(f"{what} [{bar:<30}] {done:,}/{total:,} {rate:,.0f}/s, {eta / 60:.0f} min left")

    return report


@dataclass
class Fold:
    """What one candidate fit needs: rows, labels and weights for a head."""

    index: np.ndarray
    y: np.ndarray
    weight: np.ndarray


def head_rows(ts: TrainingSet, head: str, mask: np.ndarray) -> Fold:
    """The labeled rows of ``mask`` for a head, plus presumed negatives as the linear tier uses them."""
    y = ts.labels(head)
    idx = np.flatnonzero(mask & (y >= 0))
    weight = np.array([ts.examples[i].weight for i in idx], dtype=float)
    labels = y[idx]
    if head in PRESUMED_NEGATIVE_WEIGHT:
        presumed = ts.mask(sources=NEWS) | ts.mask(sources=TWEETS)
        extra = np.flatnonzero(presumed & mask & (y < 0))
        idx = np.concatenate([idx, extra])
        labels = np.concatenate([labels, np.zeros(len(extra), dtype=int)])
        weight = np.concatenate([weight, np.full(len(extra), PRESUMED_NEGATIVE_WEIGHT[head])])
    return Fold(idx, labels, weight)


def fit_encoder_head(Z: np.ndarray, fold: Fold, C: float) -> tuple[np.ndarray, float]:
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=300, tol=1e-3)
    clf.fit(Z[fold.index], fold.y, sample_weight=fold.weight)
    return clf.coef_.ravel(), float(clf.intercept_[0])


def fit_blend(enc: np.ndarray, lin: np.ndarray, y: np.ndarray, with_linear: bool) -> Blend:
    X = np.column_stack([enc, lin]) if with_linear else enc.reshape(-1, 1)
    clf = LogisticRegression(C=1e4, max_iter=1000).fit(X, y)
    a = float(clf.coef_[0, 0])
    b = float(clf.coef_[0, 1]) if with_linear else 0.0
    return Blend(a, b, float(clf.intercept_[0]))


def linear_logits(ts: TrainingSet, head: str, train_mask: np.ndarray) -> np.ndarray:
    presumed = ts.mask(sources=NEWS) | ts.mask(sources=TWEETS) if head in PRESUMED_NEGATIVE_WEIGHT else None
    coef, intercept = fit_head(ts, head, train_mask, presumed_negatives=presumed)
    return np.asarray(ts.X @ coef).ravel() + intercept


def leave_one_source_out(
    ts: TrainingSet, Z: np.ndarray, progress: Progress
) -> tuple[dict[str, tuple[float, bool]], dict[str, Any]]:
    """The LOSO table and the winning candidate per label."""
    train_m, valid_m = ts.mask(split="train"), ts.mask(split="valid")
    table: dict[str, Any] = {}
    chosen: dict[str, tuple[float, bool]] = {}
    for label, families in FAMILIES.items():
        y = ts.labels(label)
        results: dict[str, dict[str, float]] = {}
        for family, sources in families.items():
            inside = ~ts.mask(sources=sources)
            held = ts.mask(sources=sources) & (y >= 0) & ~ts.mask(split="test")
            if len(set(y[held].tolist())) < 2:
                continue
            progress(f"leave-one-source-out: {label} without {family}")
            lin = linear_logits(ts, label, train_m & inside)
            results.setdefault("linear tier", {})[family] = float(roc_auc_score(y[held], lin[held]))
            fold = head_rows(ts, label, train_m & inside)
            calib = valid_m & inside & (y >= 0)
            for C in sorted({c for c, _ in CANDIDATES}):
                coef, intercept = fit_encoder_head(Z, fold, C)
                enc = Z @ coef + intercept
                for c, with_linear in CANDIDATES:
                    if c != C:
                        continue
                    blend = fit_blend(enc[calib], lin[calib], y[calib], with_linear)
                    p = blend(enc[held], lin[held])
                    results.setdefault(candidate_name(C, with_linear), {})[family] = float(roc_auc_score(y[held], p))
        means = {name: float(np.mean(list(r.values()))) for name, r in results.items()}
        best = max((c for c in CANDIDATES), key=lambda c: means.get(candidate_name(*c), -1))
        chosen[label] = best
        table[label] = {"families": {n: list(s) for n, s in families.items()}, "auc": results, "mean": means}
        table[label]["chosen"] = candidate_name(*best)
    return chosen, table


def candidate_name(C: float, with_linear: bool) -> str:
    return f"encoder C={C:g}" + (" + linear" if with_linear else "")


def train_full(
    fast: Model,
    ts: TrainingSet,
    *,
    progress: Progress = print,
    select: bool = True,
) -> FullModel:
    """Fit the full tier over a trained linear tier and the training set it was trained on."""
    encoder = CachedEncoder(progress_bar(progress, "embedding"))
    texts = [e.text for e in ts.examples]
    contexts = sorted({e.context for e in ts.examples if e.context})
    progress(f"embedding {len(texts):,} training texts and {len(contexts):,} articles (cached on disk)")
    vectors = encoder.embed([*texts, *contexts])[: len(texts)]  # articles now too: one progress bar for both
    Z_raw = head_features(vectors)
    train_m, valid_m = ts.mask(split="train"), ts.mask(split="valid")
    center = Z_raw[train_m].mean(axis=0)
    scale = Z_raw[train_m].std(axis=0) + 1e-6
    Z = (Z_raw - center) / scale

    if select:
        chosen, table = leave_one_source_out(ts, Z, progress)
    else:
        chosen, table = {label: CANDIDATES[-1] for label in FAMILIES}, {}
    chosen["spam"] = SPAM_CANDIDATE

    coef = np.zeros((Z.shape[1], len(HEADS)))
    bias = np.zeros(len(HEADS))
    blends: dict[str, Blend] = {}
    linear_raw = np.asarray(ts.X @ fast.dense_weights) + fast.bias
    for k, head in enumerate(HEADS):
        progress(f"fitting the encoder {head} head ({candidate_name(*chosen[head])})")
        C, with_linear = chosen[head]
        coef[:, k], bias[k] = fit_encoder_head(Z, head_rows(ts, head, train_m), C)
        y = ts.labels(head)
        calib = valid_m & (y >= 0)
        enc = Z[calib] @ coef[:, k] + bias[k]
        lin = logit(fast.calibration[head](linear_raw[calib, k]))
        blends[head] = fit_blend(enc, lin, y[calib], with_linear)
    heads = EncoderHeads(center=center, scale=scale, coef=coef, bias=bias)

    progress("fitting semantic relevance")
    relevance = fit_semantic_relevance(fast, ts, encoder)
    model = FullModel(
        fast=fast,
        heads=heads,
        blends=blends,
        relevance=relevance,
        thresholds={},
        version="",
        encoder_id=encoder.encoder_id,
    )
    model.__dict__["_encoder"] = encoder
    model.info = {"selection": table, "chosen": {h: candidate_name(*c) for h, c in chosen.items()}}

    progress("choosing the full tier's thresholds on validation data")
    thresholds = choose_thresholds(model, ts, ts.calibration)
    model.thresholds = {**thresholds, "off_topic": 1.0}
    thresholds["off_topic"] = off_topic_threshold(model, ts)
    model.thresholds = thresholds
    model.version = full_version(model)
    return model


def fit_semantic_relevance(fast: Model, ts: TrainingSet, encoder: CachedEncoder) -> Any:
    """Relevance over the linear tier's irrelevance and embedding similarities, fitted on validation pairs.

    Validation pairs, because the linear relevance model was fitted on the training pairs: its scores here are
    out of sample, as they will be on new comments.
    """
    pairs = relevance_pairs(ts, "valid", fast.document_frequency)
    linear = fast.relevance.predict_proba(pairs.signals)[:, 1]
    owners = np.unique(pairs.owners)
    units = dict(zip(owners.tolist(), unit_means(encoder.embed([ts.examples[i].text for i in owners])), strict=True))
    article_of = {key: ts.examples[m[0]].context for key, m in pairs.members.items() if m}
    for i in owners.tolist():
        key = f"{ts.examples[i].source}:{ts.examples[i].group}"
        article_of.setdefault(key, ts.examples[i].context)
    texts = sorted({t for t in article_of.values() if t})
    article_units = dict(zip(texts, unit_means(encoder.embed(texts)), strict=True)) if texts else {}
    sums = {key: np.sum([units[i] for i in m], axis=0) for key, m in pairs.members.items() if len(m) > 1}
    rows = np.zeros((len(pairs.labels), len(RELEVANCE_FEATURES)))
    rows[:, 0] = logit(linear)
    for r, (i, key) in enumerate(zip(pairs.owners.tolist(), pairs.against, strict=True)):
        own = units[i]
        article = article_of.get(key)
        if article:
            rows[r, 1] = float(own @ article_units[article])
            rows[r, 3] = 1.0
        if key in sums:
            members = pairs.members[key]
            others = sums[key] - own if i in members else sums[key]
            if i not in members or len(members) > 1:
                rows[r, 2] = float(own @ others / max(np.linalg.norm(others), 1e-9))
                rows[r, 4] = 1.0
    add_length(rows, [ts.examples[i].text for i in pairs.owners.tolist()])
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)).fit(rows, pairs.labels)


def choose_thresholds(model: FullModel, ts: TrainingSet, calib_sets: dict[str, np.ndarray]) -> dict[str, float]:
    """abuse and conspiracy: the precision target on the same validation rows as the linear tier."""
    out = {}
    for label in ("abuse", "conspiracy"):
        m = calib_sets[label] & (ts.labels(label) >= 0)
        idx = np.flatnonzero(m)
        probs = model.head_probabilities([ts.examples[i].text for i in idx])[label]
        out[label] = threshold_for_precision(ts.labels(label)[idx], probs, PRECISION_TARGET[label])
    return out


def full_version(model: FullModel) -> str:
    digest = hashlib.sha256(model.fast.version.encode())
    digest.update(np.ascontiguousarray(model.heads.coef).tobytes())
    digest.update(repr(sorted((h, vars(b)) for h, b in model.blends.items())).encode())
    digest.update(repr(sorted(model.thresholds.items())).encode())
    digest.update(model.encoder_id.encode())
    return "m" + digest.hexdigest()[:12] + "-full"

"""Training the full tier on top of a trained linear tier: encoder heads, blends, semantic relevance.

Model selection rewards generalisation: for abuse and conspiracy, each candidate (the kind of head and its
regularisation, whether the linear tier's score joins the blend, and for conspiracy how much of the
narrative catalogue's closeness joins the logit) is trained with one corpus family left out and scored on
that family; the candidate with the best mean ROC-AUC over left-out families wins. Only train and validation
splits take part; test splits are measured once, after everything is fixed.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from moderation.errors import DatasetError
from moderation.model.encoder.cache import cached_vectors
from moderation.model.full.tier import (
    RELEVANCE_FEATURES,
    Blend,
    EncoderHeads,
    FullModel,
    Head,
    NarrativePrior,
    add_background,
    add_generic,
    add_length,
    head_features,
    logit,
    unit_means,
)
from moderation.model.linear.classifier import HEADS, Model
from moderation.model.linear.training import (
    NEWS,
    PRESUMED_NEGATIVE_WEIGHT,
    TWEETS,
    TrainingSet,
    fit_head,
    off_topic_threshold,
    relevance_pairs,
)
from moderation.model.linear.training import choose_thresholds as choose_linear_thresholds
from moderation.model.narratives.catalogue import load_catalogue
from moderation.model.narratives.similarity import FEATURES as NARRATIVE_FEATURES
from moderation.model.narratives.similarity import NarrativeIndex

Progress = Callable[[str], None]

FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    # corpora grouped by where their text comes from; a family is left out whole
    "abuse": {
        "news comments": NEWS,
        "tweets": TWEETS,
        "identity statements": ("toxigen", "toxigen_annotated"),
        "adversarial statements": ("dynahate",),
        "Twitter and Gab posts": ("hatexplain",),
    },
    "conspiracy": {
        "Reddit": ("psycomark",),
        "Telegram": ("pan",),
        "tweets": ("mediaeval",),
        "vaccine comments": ("covid",),
    },
}
"""Corpora that never leave training: civil_spans (abuse positives only) and qanon (conspiracy positives only)
cannot be scored alone; decisions are the site's own data; the project's written sets (identity statements,
generic replies, the catalogue) are no family of comments."""


@dataclass(frozen=True)
class Candidate:
    """One way to build a head: its kind, its regularisation, the blend, and the narrative prior's weights."""

    kind: str  # "linear" or "hidden"
    strength: float  # C of a logistic regression; the L2 penalty (alpha) of a hidden layer
    with_linear: bool
    prior: tuple[float, float] = (0.0, 0.0)
    """Weights of the standardised narrative-minus-critical and narrative-centre closeness (conspiracy)."""

    @property
    def name(self) -> str:
        head = f"encoder C={self.strength:g}" if self.kind == "linear" else f"encoder {HIDDEN} hidden"
        head += " + linear" if self.with_linear else ""
        if any(self.prior):
            head += f" + narratives ({self.prior[0]:g}, {self.prior[1]:g})"
        return head

    @property
    def head_key(self) -> tuple[str, float]:
        return self.kind, self.strength


HIDDEN = 256
CANDIDATES: dict[str, tuple[Candidate, ...]] = {
    "abuse": (
        Candidate("linear", 0.005, False),
        Candidate("linear", 0.005, True),
        Candidate("hidden", 0.01, False),
        Candidate("hidden", 0.01, True),
    ),
    "conspiracy": tuple(
        Candidate("linear", c, True, prior)
        for c in (0.005, 0.05)
        for prior in ((0.0, 0.0), (0.25, 0.0), (0.25, 0.25), (0.5, 0.5))
    ),
}
SPAM_CANDIDATE = Candidate("linear", 0.05, True)
"""Spam has one corpus (YouTube), so no family can be left out: the linear tier's spam head is strong there."""
IDENTITY_WEIGHT = 5.0
"""The written identity statements count five times in the encoder's abuse head: there are few of them beside
the corpora, and what they teach (a group's name is not an insult) is what the corpora teach wrongly."""
PRIOR_COLUMNS = tuple(NARRATIVE_FEATURES.index(f) for f in ("narrative_minus_critical", "narrative_centroid_top"))
BACKGROUND_THREADS = 300


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
    if head == "abuse":
        weight *= np.where(np.array([ts.examples[i].source == "identity" for i in idx], dtype=bool), IDENTITY_WEIGHT, 1)
    labels = y[idx]
    if head in PRESUMED_NEGATIVE_WEIGHT:
        presumed = ts.mask(sources=NEWS) | ts.mask(sources=TWEETS)
        extra = np.flatnonzero(presumed & mask & (y < 0))
        idx = np.concatenate([idx, extra])
        labels = np.concatenate([labels, np.zeros(len(extra), dtype=int)])
        weight = np.concatenate([weight, np.full(len(extra), PRESUMED_NEGATIVE_WEIGHT[head])])
    return Fold(idx, labels, weight)


def balanced(fold: Fold) -> np.ndarray:
    """Sample weights with both classes weighing the same in all (what class_weight="balanced" does)."""
    weight = fold.weight.astype(float).copy()
    for label in (0, 1):
        mine = fold.y == label
        if mine.any():
            weight[mine] *= len(fold.y) / (2.0 * weight[mine].sum())
    return weight


def fit_encoder_head(Z: np.ndarray, fold: Fold, kind: str, strength: float) -> Head:
    """A logistic regression, or one hidden layer of ``HIDDEN`` ReLUs (adam, 30 epochs, seeded)."""
    if kind == "linear":
        clf = LogisticRegression(C=strength, max_iter=300, tol=1e-3)
        clf.fit(Z[fold.index], fold.y, sample_weight=balanced(fold))
        return Head(clf.coef_.ravel().astype(np.float32), np.asarray(float(clf.intercept_[0])))
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    batch = min(256, len(fold.index))
    net = MLPClassifier(hidden_layer_sizes=(HIDDEN,), alpha=strength, batch_size=batch, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs is the point
        net.fit(Z[fold.index], fold.y, sample_weight=balanced(fold))
    return Head(
        net.coefs_[0].astype(np.float32),
        net.intercepts_[0].astype(np.float32),
        net.coefs_[1].ravel().astype(np.float32),
        float(net.intercepts_[1][0]),
    )


def fit_blend(enc: np.ndarray, lin: np.ndarray, y: np.ndarray, with_linear: bool) -> Blend:
    X = np.column_stack([enc, lin]) if with_linear else enc.reshape(-1, 1)
    clf = LogisticRegression(C=1e4, max_iter=1000).fit(X, y)
    a = float(clf.coef_[0, 0])
    b = float(clf.coef_[0, 1]) if with_linear else 0.0
    return Blend(a, b, float(clf.intercept_[0]))


def narrative_prior(features: np.ndarray, train: np.ndarray, weights: tuple[float, float]) -> NarrativePrior:
    cols = features[:, list(PRIOR_COLUMNS)]
    return NarrativePrior(
        columns=PRIOR_COLUMNS,
        center=cols[train].mean(axis=0),
        scale=cols[train].std(axis=0) + 1e-9,
        weights=np.asarray(weights, dtype=np.float64),
    )


def fit_prior_blend(
    enc: np.ndarray, lin: np.ndarray, narrative: np.ndarray, y: np.ndarray, candidate: Candidate, prior: NarrativePrior
) -> Blend:
    """The blend, plus the narrative prior in units of the blend's own spread, then calibrated again.

    The prior's weights are fixed, not fitted: fitted on validation data of the training corpora (COVID, 5G,
    QAnon), the catalogue's weight goes negative, since those corpora's plain criticism is as close to the
    health narratives as their conspiracy talk; chosen by leaving families out, a fixed share generalises.
    """
    blend = fit_blend(enc, lin, y, candidate.with_linear)
    if not any(candidate.prior):
        return blend
    base = blend.logit(enc, lin)
    spread = float(np.std(base)) or 1.0
    scaled = NarrativePrior(prior.columns, prior.center, prior.scale, np.asarray(candidate.prior) * spread)
    summed = base + scaled(narrative)
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(summed.reshape(-1, 1), y)
    return Blend(blend.a, blend.b, blend.c, scaled, scale=float(platt.coef_[0, 0]), shift=float(platt.intercept_[0]))


def two_classes(rows: np.ndarray, fallback: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Validation rows to fit a blend on, or training rows where validation holds one class (tiny corpora)."""
    return rows if len(set(y[rows].tolist())) == 2 else fallback


def linear_logits(ts: TrainingSet, head: str, train_mask: np.ndarray) -> np.ndarray:
    presumed = ts.mask(sources=NEWS) | ts.mask(sources=TWEETS) if head in PRESUMED_NEGATIVE_WEIGHT else None
    coef, intercept = fit_head(ts, head, train_mask, presumed_negatives=presumed)
    return np.asarray(ts.X @ coef).ravel() + intercept


def leave_one_source_out(
    ts: TrainingSet, Z: np.ndarray, narrative: np.ndarray, progress: Progress
) -> tuple[dict[str, Candidate], dict[str, Any]]:
    """The LOSO table and the winning candidate per label."""
    train_m, valid_m = ts.mask(split="train"), ts.mask(split="valid")
    table: dict[str, Any] = {}
    chosen: dict[str, Candidate] = {}
    for label, families in FAMILIES.items():
        y = ts.labels(label)
        results: dict[str, dict[str, float]] = {}
        candidates = CANDIDATES[label]
        for family, sources in families.items():
            inside = ~ts.mask(sources=sources)
            held = ts.mask(sources=sources) & (y >= 0) & ~ts.mask(split="test")
            if len(set(y[held].tolist())) < 2:
                continue
            progress(f"leave-one-source-out: {label} without {family}")
            lin = linear_logits(ts, label, train_m & inside)
            results.setdefault("linear tier", {})[family] = float(roc_auc_score(y[held], lin[held]))
            fold = head_rows(ts, label, train_m & inside)
            calib = two_classes(valid_m & inside & (y >= 0), train_m & inside & (y >= 0), y)
            prior = narrative_prior(narrative, train_m & inside, (0.0, 0.0))
            for kind, strength in dict.fromkeys(c.head_key for c in candidates):
                enc = fit_encoder_head(Z, fold, kind, strength).logit(Z)
                for c in (c for c in candidates if c.head_key == (kind, strength)):
                    blend = fit_prior_blend(enc[calib], lin[calib], narrative[calib], y[calib], c, prior)
                    p = blend.logit(enc[held], lin[held], narrative[held])
                    results.setdefault(c.name, {})[family] = float(roc_auc_score(y[held], p))
        means = {name: float(np.mean(list(r.values()))) for name, r in results.items()}
        best = max(candidates, key=lambda c: means.get(c.name, -1))
        chosen[label] = best
        table[label] = {"families": {n: list(s) for n, s in families.items()}, "auc": results, "mean": means}
        table[label]["chosen"] = best.name
    return chosen, table


def train_full(
    fast: Model,
    ts: TrainingSet,
    *,
    progress: Progress = print,
    select: bool = True,
) -> FullModel:
    """Fit the full tier over a trained linear tier and the training set it was trained on."""
    encoder = CachedEncoder(progress_bar(progress, "embedding"))
    catalogue = load_catalogue()
    texts = [e.text for e in ts.examples]
    contexts = sorted({e.context for e in ts.examples if e.context})
    progress(f"embedding {len(texts):,} training texts and {len(contexts):,} articles (cached on disk)")
    vectors = encoder.embed([*texts, *contexts])[: len(texts)]  # articles now too: one progress bar for both
    index = NarrativeIndex.build(catalogue, lambda t: unit_means(encoder.embed(t)))
    narrative = index.features(unit_means(vectors))
    Z_raw = head_features(vectors)
    train_m, valid_m = ts.mask(split="train"), ts.mask(split="valid")
    center = Z_raw[train_m].mean(axis=0)
    scale = Z_raw[train_m].std(axis=0) + 1e-6
    Z = ((Z_raw - center) / scale).astype(np.float32)

    if select:
        chosen, table = leave_one_source_out(ts, Z, narrative, progress)
    else:
        chosen, table = {label: CANDIDATES[label][-1] for label in FAMILIES}, {}
    chosen["spam"] = SPAM_CANDIDATE

    heads: dict[str, Head] = {}
    blends: dict[str, Blend] = {}
    linear_raw = np.asarray(ts.X @ fast.dense_weights) + fast.bias
    for k, head in enumerate(HEADS):
        candidate = chosen[head]
        progress(f"fitting the encoder {head} head ({candidate.name})")
        heads[head] = fit_encoder_head(Z, head_rows(ts, head, train_m), *candidate.head_key)
        y = ts.labels(head)
        calib = two_classes(valid_m & (y >= 0), train_m & (y >= 0), y)
        enc = heads[head].logit(Z[calib])
        lin = logit(fast.calibration[head](linear_raw[calib, k]))
        prior = narrative_prior(narrative, train_m, (0.0, 0.0))
        blends[head] = fit_prior_blend(enc, lin, narrative[calib], y[calib], candidate, prior)

    progress("fitting semantic relevance")
    background = background_bank(ts, encoder)
    generic = generic_bank(ts, encoder)
    relevance = fit_semantic_relevance(fast, ts, encoder, background, generic)
    model = FullModel(
        fast=fast,
        heads=EncoderHeads(center=center, scale=scale, heads=heads),
        blends=blends,
        relevance=relevance,
        thresholds={},
        version="",
        encoder_id=encoder.encoder_id,
        narratives=index,
        background=background,
        generic=generic,
    )
    model.__dict__["_encoder"] = encoder
    model.info = {"selection": table, "chosen": {h: c.name for h, c in chosen.items()}}

    progress("choosing the full tier's thresholds on validation data")
    thresholds = choose_thresholds(model, ts, ts.calibration)
    model.thresholds = {**thresholds, "off_topic": 1.0}
    thresholds["off_topic"] = off_topic_threshold(model, ts)
    model.thresholds = thresholds
    model.version = full_version(model)
    return model


def background_bank(ts: TrainingSet, encoder: CachedEncoder) -> np.ndarray:
    """Unit centres of up to ``BACKGROUND_THREADS`` training threads (news articles' comments, forum questions,
    YouTube videos): other subjects a comment may really be about. Picked by a stable hash of the thread."""
    threads: dict[str, list[int]] = {}
    train = ts.mask(split="train")
    for i, e in enumerate(ts.examples):
        if train[i] and e.source in ("c3", "socc", "qatar", "youtube", "ucc"):
            threads.setdefault(f"{e.source}:{e.group}", []).append(i)
    keys = sorted((k for k, m in threads.items() if len(m) >= 3), key=lambda k: hashlib.sha1(k.encode()).hexdigest())
    keys = keys[:BACKGROUND_THREADS]
    if not keys:
        return np.zeros((0, encoder.dim // 2), dtype=np.float32)
    members = [threads[key] for key in keys]
    units = unit_means(encoder.embed([ts.examples[i].text for m in members for i in m]))
    starts = np.cumsum([0, *map(len, members)])[:-1]
    bank = np.add.reduceat(units, starts, axis=0)
    return (bank / np.maximum(np.linalg.norm(bank, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def generic_bank(ts: TrainingSet, encoder: CachedEncoder) -> np.ndarray:
    """Unit vectors of the training side's generic replies (validation ones are what relevance is fitted on)."""
    texts = [ts.examples[i].text for i in np.flatnonzero(ts.mask(split="train", sources=("generic",)))]
    if not texts:
        return np.zeros((0, encoder.dim // 2), dtype=np.float32)
    return unit_means(encoder.embed(texts)).astype(np.float32)


def fit_semantic_relevance(
    fast: Model, ts: TrainingSet, encoder: CachedEncoder, background: np.ndarray, generic: np.ndarray | None = None
) -> Any:
    """Relevance over the linear tier's irrelevance and embedding similarities, fitted on validation pairs.

    Validation pairs, because the linear relevance model was fitted on the training pairs: its scores here are
    out of sample, as they will be on new comments. The pairs are the linear tier's: a comment moved to another
    thread is off topic only when it is specific to its own, and generic replies are on topic anywhere.
    """
    try:  # the training side's generic replies join too: few as they are, each is a sentence shape more
        pairs = relevance_pairs(ts, "valid", fast.document_frequency, generic_splits=("train",))
    except DatasetError:  # corpora too small for validation threads (tests): the training pairs, in sample
        pairs = relevance_pairs(ts, "train", fast.document_frequency)
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
    owner_units = np.vstack([units[i] for i in pairs.owners.tolist()])
    add_background(rows, owner_units, background)
    add_generic(rows, owner_units, generic)
    in_bank = {i: k for k, i in enumerate(np.flatnonzero(ts.mask(split="train", sources=("generic",))).tolist())}
    if generic is not None and len(generic) > 1:  # a reply of the bank is compared with the others, not itself
        for r, i in enumerate(pairs.owners.tolist()):
            if i in in_bank:
                sims = generic @ owner_units[r]
                sims[in_bank[i]] = -1.0
                rows[r, RELEVANCE_FEATURES.index("generic_similarity")] = float(sims.max())
    add_length(rows, [ts.examples[i].text for i in pairs.owners.tolist()])
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)).fit(rows, pairs.labels)


def choose_thresholds(model: FullModel, ts: TrainingSet, calib_sets: dict[str, np.ndarray]) -> dict[str, float]:
    """The linear tier's rules (precision targets, the identity floor) applied to the full tier's scores."""
    from moderation.model.linear.training import threshold_sets

    wanted = np.zeros(len(ts.examples), dtype=bool)
    for m, _ in threshold_sets(ts, calib_sets).values():
        wanted |= m
    wanted |= ts.mask(split="valid", sources=("identity", "generic", *NEWS))
    idx = np.flatnonzero(wanted)
    got = model.head_probabilities([ts.examples[i].text for i in idx])
    probs = {}
    for label in ("abuse", "conspiracy"):
        full = np.full(len(ts.examples), np.nan)
        full[idx] = got[label]
        probs[label] = full
    return choose_linear_thresholds(ts, calib_sets, probs)


def full_version(model: FullModel) -> str:
    digest = hashlib.sha256(model.fast.version.encode())
    for head in HEADS:
        digest.update(np.ascontiguousarray(model.heads.heads[head].weights).tobytes())
    digest.update(repr(sorted((h, b.a, b.b, b.c, b.scale, b.shift) for h, b in model.blends.items())).encode())
    digest.update(repr(sorted(model.thresholds.items())).encode())
    digest.update(model.encoder_id.encode())
    if model.narratives is not None:
        digest.update(model.narratives.fingerprint.encode())
    return "m" + digest.hexdigest()[:12] + "-full"

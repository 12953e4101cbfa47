"""Training the shipped model from the public corpora (and, optionally, moderators' decisions).

Splits are by article, video, question or post (``split_of``), never by row, so near-duplicate comments
under one article cannot leak from training into validation or test. Validation data calibrates the heads
and picks thresholds; test data is only measured, once, after everything is fixed.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from moderation.datasets import Corpus, Example, load_corpora, split_of
from moderation.errors import DatasetError
from moderation.evaluation import gold_and_scores, labeled_from_rows
from moderation.model.linear.classifier import HEADS, Model, Platt
from moderation.model.linear.features import featurize
from moderation.model.linear.relevance import DocumentFrequency, Thread, signals
from moderation.model.measure.heldout import off_topic_rows
from moderation.model.measure.metrics import label_metrics, threshold_for_precision

NEWS = ("c3", "ucc", "socc")
TWEETS = ("olid", "davidson")
PRECISION_TARGET = {"abuse": 0.75, "conspiracy": 0.65, "off_topic": 0.75}
IDENTITY_FLAG_LIMIT = 0.02
NEWS_CONSPIRACY_LIMIT = 0.01
"""At most this share of validation news comments may be flagged as conspiracy: a comment section is mostly not
conspiracy talk, and the conspiracy corpora (a third to a half of their rows) say little about how rare it is."""
"""At most this share of the validation side's neutral and positive identity statements may be flagged as abuse:
the abuse threshold is raised until it holds (a flag on "I am a gay man." silences the people moderation is for)."""
CONSPIRACY_SOURCES = ("psycomark", "pan", "mediaeval", "covid")
# Comments from corpora that do not annotate a label, used as presumed negatives for it, at low weight:
# without them the conspiracy and spam heads never see an ordinary news comment.
PRESUMED_NEGATIVE_WEIGHT = {"conspiracy": 0.2, "spam": 0.05}
HEAD_C = {"abuse": 2.0, "conspiracy": 2.0, "spam": 8.0}

Progress = Callable[[str], None]


@dataclass
class TrainingSet:
    """Examples by split, with their features computed once."""

    examples: list[Example]
    split: np.ndarray
    X: sp.csr_matrix
    word_sets: list[set[int]]
    corpora: list[Corpus] = field(default_factory=list)
    calibration: dict[str, np.ndarray] = field(default_factory=dict)
    """Per head, the validation rows it was calibrated on (set by ``train``)."""

    def mask(self, *, split: str | None = None, sources: Iterable[str] | None = None) -> np.ndarray:
        m = np.ones(len(self.examples), dtype=bool)
        if split:
            m &= self.split == split
        if sources is not None:
            allowed = set(sources)
            m &= np.array([e.source in allowed for e in self.examples])
        return m

    def labels(self, target: str) -> np.ndarray:
        """0/1 per example, -1 where the target is unknown."""
        return np.array([-1 if e.labels.get(target) is None else int(e.labels[target]) for e in self.examples])


def build_training_set(
    corpora: Sequence[Corpus],
    extra: Sequence[Example] = (),
    progress: Progress = print,
    written: Sequence[Example] = (),
) -> TrainingSet:
    """``extra``: moderators' decisions; ``written``: the project's own sets (``moderation.datasets.written``)."""
    examples = [e for c in corpora for e in c.examples] + list(written) + list(extra)
    progress(f"featurising {len(examples)} examples")
    batch = featurize([e.text for e in examples])
    split = np.array([split_of(e) for e in examples])
    return TrainingSet(examples, split, batch.X, [set(h.tolist()) for h in batch.hashes], list(corpora))


def fit_head(ts: TrainingSet, target: str, train_mask: np.ndarray, *, presumed_negatives: np.ndarray | None = None):
    """A logistic-regression head for one target; returns (coef, intercept)."""
    y = ts.labels(target)
    known = train_mask & (y >= 0)
    idx = np.flatnonzero(known)
    weights = np.array([ts.examples[i].weight for i in idx], dtype=float)
    labels = y[idx]
    if presumed_negatives is not None:
        extra = np.flatnonzero(presumed_negatives & train_mask & (y < 0))
        idx = np.concatenate([idx, extra])
        labels = np.concatenate([labels, np.zeros(len(extra), dtype=int)])
        weights = np.concatenate([weights, np.full(len(extra), PRESUMED_NEGATIVE_WEIGHT.get(target, 0.3))])
    clf = LogisticRegression(
        C=HEAD_C.get(target, 2.0), solver="liblinear", class_weight="balanced", max_iter=200, random_state=0
    )
    clf.fit(ts.X[idx], labels, sample_weight=weights)
    return clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])


def fit_platt(raw: np.ndarray, y: np.ndarray) -> Platt:
    clf = LogisticRegression(C=1e4)
    clf.fit(raw.reshape(-1, 1), y)
    return Platt(a=float(clf.coef_[0, 0]), b=float(clf.intercept_[0]))


# ---------------------------------------------------------------- relevance pairs


def _group_threads(ts: TrainingSet, sources: Sequence[str], split: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(ts.examples):
        if e.source in sources and ts.split[i] == split:
            groups[f"{e.source}:{e.group}"].append(i)
    return groups


@dataclass
class RelevancePairs:
    """Each comment against its own thread (on topic, 0) and against another thread (off topic, 1)."""

    signals: np.ndarray
    labels: np.ndarray
    owners: np.ndarray
    """The example index of each pair's comment."""
    against: list[str]
    """The thread each pair compares its comment with (``source:group``)."""
    members: dict[str, list[int]]
    """Each thread's comments (empty for forum questions, whose context is the question alone)."""


SPECIFIC_SHARE = 0.1
"""A comment is specific to its own thread when at least this share of its content (idf-weighted) is found in
its article or in other comments of the thread. Only specific comments, moved to another thread, are off-topic
examples: a generic reply ("Well said.") is as at home in the other thread as in its own."""


GENERIC_PAIRS = 20
"""Each written generic reply joins this many random threads as on topic: a few dozen replies beside thousands of
thread pairs would otherwise weigh nothing, and each thread is another context they fit."""


def is_specific(own: np.ndarray) -> bool:
    """From a comment's signals against its own thread: does it share enough content with it?"""
    return max(float(own[0]), float(own[9])) >= SPECIFIC_SHARE


def relevance_pairs(
    ts: TrainingSet, split: str, df: DocumentFrequency, seed: int = 0, generic_splits: Sequence[str] = ()
) -> RelevancePairs:
    """Each comment against its own thread (on topic, 0) and, when it is specific to its thread, against another
    thread (off topic, 1); generic replies written for this project against random threads (on topic, 0), those of
    ``split`` and of ``generic_splits``."""
    rng = random.Random(f"{seed}:{split}")
    rows, labels, owners, against = [], [], [], []
    members_of: dict[str, list[int]] = {}
    all_threads: dict[str, Thread] = {}
    for sources in (("c3", "socc"), ("qatar",)):
        groups = {k: v for k, v in _group_threads(ts, sources, split).items() if len(v) >= 2 or "qatar" in sources}
        keys = sorted(groups)
        if len(keys) < 2:
            continue
        threads = {}
        for key in keys:
            first = ts.examples[groups[key][0]]
            article_text = first.context or ""
            members = groups[key] if first.source != "qatar" else []  # forum replies: the question is the context
            members_of[key] = members
            threads[key] = Thread.build(article_text, (ts.word_sets[i] for i in members))
        all_threads.update(threads)
        for key in keys:
            for i in groups[key]:
                own = threads[key]
                in_own = ts.examples[i].source != "qatar"
                own_signals = signals(ts.word_sets[i], own, None, df, in_thread=in_own)
                rows.append(own_signals)
                labels.append(0)
                owners.append(i)
                against.append(key)
                other = keys[rng.randrange(len(keys) - 1)]
                other = other if other != key else keys[-1]
                if not is_specific(own_signals):
                    continue
                rows.append(signals(ts.word_sets[i], threads[other], None, df, in_thread=False))
                labels.append(1)
                owners.append(i)
                against.append(other)
    keys = sorted(k for k in all_threads if members_of.get(k))
    generic = np.flatnonzero(np.isin(ts.split, [split, *generic_splits]) & ts.mask(sources=("generic",)))
    for i in generic.tolist() if keys else ():
        for key in rng.sample(keys, min(GENERIC_PAIRS, len(keys))):
            rows.append(signals(ts.word_sets[i], all_threads[key], None, df, in_thread=False))
            labels.append(0)
            owners.append(i)
            against.append(key)
    if len(set(labels)) < 2:
        raise DatasetError(
            f"the {split} split has no two news or forum threads to pair comments across: relevance cannot be "
            "learned from so little data"
        )
    return RelevancePairs(np.vstack(rows), np.array(labels), np.array(owners), against, members_of)


def fit_relevance(X: np.ndarray, y: np.ndarray) -> Pipeline:
    """Logistic regression over the signals and their pairwise products.

    On validation threads it beat gradient-boosted trees (AUC 0.779 against 0.756 for 200 trees, which
    overfit the pairs) and predicts in a fraction of the time.
    """
    return make_pipeline(StandardScaler(), PolynomialFeatures(2), LogisticRegression(C=1.0, max_iter=2000)).fit(X, y)


# ---------------------------------------------------------------- the whole model


def model_version(model: Model, corpora: Sequence[Corpus], extra: Sequence[Example]) -> str:
    """A name that changes whenever the model does: its data (corpora and decisions) and what was learned.

    It ends in the tier (``-fast``), so every scored record says which tier scored it.
    """
    digest = hashlib.sha256(corpus_digest(corpora).encode())
    for example in extra:
        digest.update(f"{example.text}\x1f{sorted(example.labels.items())}\n".encode())
    digest.update(np.ascontiguousarray(model.weights).tobytes())
    digest.update(np.asarray(model.bias).tobytes())
    digest.update(repr(sorted(model.thresholds.items())).encode())
    return "m" + digest.hexdigest()[:12] + "-fast"


def corpus_digest(corpora: Sequence[Corpus]) -> str:
    digest = hashlib.sha256()
    for c in sorted(corpora, key=lambda c: c.name):
        for name, sha in sorted(c.sha256.items()):
            digest.update(f"{c.name}/{name}:{sha}\n".encode())
    return digest.hexdigest()[:12]


def train(
    data_dir,
    *,
    extra: Sequence[Example] = (),
    written: Sequence[Example] = (),
    exclude: Sequence[str] = (),
    progress: Progress = print,
    cross_domain: bool = True,
) -> tuple[Model, dict[str, Any], TrainingSet]:
    """Fit every part of the model; returns it, its report (data, metrics) and the training set used."""
    corpora, dedup = load_corpora(data_dir)
    corpora = [c for c in corpora if c.name not in set(exclude)]
    written = [e for e in written if e.source not in set(exclude)]
    return train_on(corpora, dedup, extra=extra, written=written, progress=progress, cross_domain=cross_domain)


def train_on(
    corpora: Sequence[Corpus],
    dedup: Any = None,
    *,
    extra: Sequence[Example] = (),
    written: Sequence[Example] = (),
    progress: Progress = print,
    cross_domain: bool = True,
) -> tuple[Model, dict[str, Any], TrainingSet]:
    """``train`` on corpora already loaded; ``written``: the project's own sets (identity statements, ...)."""
    for c in corpora:
        progress(f"{c.name}: {len(c.examples)} examples ({c.repaired} repaired, {c.dropped} dropped)")
    for source in sorted({e.source for e in written}):
        progress(f"{source} (written for this project): {sum(e.source == source for e in written)} examples")
    ts = build_training_set(corpora, extra, progress, written)
    train_m, valid_m, test_m = (ts.mask(split=s) for s in ("train", "valid", "test"))
    news = ts.mask(sources=NEWS)
    presumed = news | ts.mask(sources=TWEETS)

    weights = np.zeros((ts.X.shape[1], len(HEADS)), dtype=np.float32)
    bias = np.zeros(len(HEADS))
    calibration: dict[str, Platt] = {}
    calib_sets = calibration_sets(ts, extra)
    for k, head in enumerate(HEADS):
        progress(f"fitting the {head} head")
        neg = presumed if head in PRESUMED_NEGATIVE_WEIGHT else None
        coef, intercept = fit_head(ts, head, train_m, presumed_negatives=neg)
        weights[:, k], bias[k] = coef, intercept
        y = ts.labels(head)
        cal = calib_sets[head] & (y >= 0)
        if len(set(y[cal].tolist())) < 2:  # e.g. trained without news comments: calibrate on all validation data
            calib_sets[head] = valid_m
            cal = valid_m & (y >= 0)
        if len(set(y[cal].tolist())) < 2:  # a tiny corpus whose validation split has one class: all its rows
            calib_sets[head] = y >= 0
            cal = y >= 0
        raw = np.asarray(ts.X[np.flatnonzero(cal)] @ coef).ravel() + intercept
        calibration[head] = fit_platt(raw, y[cal])
    ts.calibration = calib_sets

    progress("fitting relevance")
    df = DocumentFrequency.fit(ts.word_sets[i] for i in np.flatnonzero(train_m))
    pairs = relevance_pairs(ts, "train", df)
    relevance = fit_relevance(pairs.signals, pairs.labels)

    model = Model(
        weights=weights.astype(np.float16),
        bias=bias,
        calibration=calibration,
        relevance=relevance,
        document_frequency=df,
        thresholds={},
        version="",
    )

    progress("choosing thresholds on validation data")
    valid_probs = _probabilities(model, ts, valid_m)
    thresholds = choose_thresholds(ts, calib_sets, valid_probs)
    model.thresholds = {**thresholds, "off_topic": 1.0}
    thresholds["off_topic"] = off_topic_threshold(model, ts)
    model.thresholds = thresholds
    model.version = model_version(model, corpora, [*written, *extra])

    progress("measuring on test data")
    report = {
        "data": [_corpus_info(c) for c in corpora],
        "deduplication": dedup if isinstance(dedup, dict) else getattr(dedup, "__dict__", str(dedup)),
        "precision_targets": PRECISION_TARGET,
        "metrics": {},
    }
    if cross_domain:
        progress("cross-domain check: the abuse head without tweets")
        coef, intercept = fit_head(ts, "abuse", train_m & ~ts.mask(sources=TWEETS))
        m = test_m & news & (ts.labels("abuse") >= 0)
        raw = np.asarray(ts.X[np.flatnonzero(m)] @ coef).ravel() + intercept
        without = label_metrics(ts.labels("abuse")[m], raw, float(np.median(raw)))["roc_auc"]
        report["metrics"]["abuse_news_test_without_tweets_roc_auc"] = without
    model.info = report
    return model, report, ts


def threshold_sets(ts: TrainingSet, calib_sets: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per label, the validation rows its threshold is chosen on, with their labels.

    abuse: as calibrated (news comments and the site's decisions). conspiracy: the validation rows of every
    conspiracy corpus (Reddit, Telegram, tweets, vaccine comments), not of one: a threshold that holds its
    precision on all of them carries over to a comment section better than one fitted to Reddit posts. Their
    Telegram and tweet sets hold criticism on the same topics as hard negatives, and a third to a half of their
    rows are conspiracy talk, against a few percent in a news comment section, hence a target of 0.65.
    """
    valid = ts.mask(split="valid")
    abuse = calib_sets["abuse"] & (ts.labels("abuse") >= 0)
    y = ts.labels("conspiracy")
    conspiracy = valid & ts.mask(sources=CONSPIRACY_SOURCES) & (y >= 0)
    if not conspiracy.any():  # no such corpus (trained with --exclude, or tests): the calibration rows
        conspiracy = calib_sets["conspiracy"] & (y >= 0)
    return {"abuse": (abuse, ts.labels("abuse")), "conspiracy": (conspiracy, y)}


def identity_floor(ts: TrainingSet, probs: np.ndarray) -> float:
    """The lowest abuse threshold flagging at most ``IDENTITY_FLAG_LIMIT`` of the validation side's neutral
    and positive identity statements (0 when there are none, e.g. in tests without the written sets)."""
    m = ts.mask(split="valid", sources=("identity",)) & (ts.labels("abuse") == 0) & neutral_identity_mask(ts)
    if not m.any():
        return 0.0
    return float(np.quantile(probs[m], 1.0 - IDENTITY_FLAG_LIMIT))


def neutral_identity_mask(ts: TrainingSet) -> np.ndarray:
    """Identity statements that neither contain nor answer a hateful phrase: negated hate, counter-speech and
    reported abuse quote the words they reject, and are measured apart."""
    from moderation.model.measure.identity import CONTRAST_SHAPES, template_shapes

    shapes = template_shapes()
    return np.array([e.source == "identity" and shapes.get(e.group) not in CONTRAST_SHAPES for e in ts.examples])


def choose_thresholds(
    ts: TrainingSet, calib_sets: dict[str, np.ndarray], probs: dict[str, np.ndarray]
) -> dict[str, float]:
    """abuse and conspiracy: the precision target on their threshold rows (best F1 where it is out of reach);
    abuse then raised, if need be, to the identity floor and the generic-reply floor, conspiracy to the news floor."""
    out = {}
    for label, (m, y) in threshold_sets(ts, calib_sets).items():
        if not m.any():  # no validation rows for the label (tests on partial data): the middle
            out[label] = 0.5
            continue
        out[label] = threshold_for_precision(y[m], probs[label][m], PRECISION_TARGET[label])
    out["abuse"] = max(out["abuse"], identity_floor(ts, probs["abuse"]), generic_floor(ts, probs["abuse"]))
    news = ts.mask(split="valid", sources=NEWS) & ~np.isnan(probs["conspiracy"])
    if news.any():
        news_floor = float(np.quantile(probs["conspiracy"][news], 1 - NEWS_CONSPIRACY_LIMIT))
        out["conspiracy"] = max(out["conspiracy"], news_floor)
    return out


def generic_floor(ts: TrainingSet, probs: np.ndarray) -> float:
    """The lowest abuse threshold flagging at most ``IDENTITY_FLAG_LIMIT`` of the validation side's generic replies
    ("lol", "Well said."): a word or two with nothing abusive in it is not abuse."""
    m = ts.mask(split="valid", sources=("generic",))
    return float(np.quantile(probs[m], 1.0 - IDENTITY_FLAG_LIMIT)) if m.any() else 0.0


def calibration_sets(ts: TrainingSet, extra: Sequence[Example] = ()) -> dict[str, np.ndarray]:
    """The validation rows each head is calibrated on, and its threshold chosen on: the kind it will score."""
    valid_m = ts.mask(split="valid")
    news = ts.mask(sources=NEWS)
    extra_m = ts.mask(sources={e.source for e in extra}) if extra else np.zeros(len(ts.examples), dtype=bool)
    return {
        "abuse": valid_m & (news | extra_m),
        "conspiracy": valid_m & ts.mask(sources=("psycomark",)),
        "spam": valid_m & ts.mask(sources=("youtube",)),
    }


def off_topic_threshold(model: Any, ts: TrainingSet) -> float:
    """off_topic as it will be scored: validation threads with a fifth of intruders from other threads and a few
    generic replies, plus YouTube comments with no context, so the threshold meets its precision at a realistic
    share of off-topic."""
    valid_m = ts.mask(split="valid")
    generic = [ts.examples[i].text for i in np.flatnonzero(valid_m & ts.mask(sources=("generic",)))]
    valid_rows = off_topic_rows([(i, ts.examples[i]) for i in np.flatnonzero(valid_m)], seed=1, generic=generic)
    valid_rows += [
        {"id": f"yt{i}", "text": ts.examples[i].text, "off_topic": int(ts.labels("spam")[i])}
        for i in np.flatnonzero(valid_m & ts.mask(sources=("youtube",)))
    ]
    if not valid_rows:  # corpora too small for a validation thread (tests): no evidence to move from the middle
        return 0.5
    off_y, off_p = gold_and_scores(model, labeled_from_rows(valid_rows))["off_topic"]
    return threshold_for_precision(off_y, off_p, PRECISION_TARGET["off_topic"])


def _corpus_info(c: Corpus) -> dict[str, Any]:
    return {
        "name": c.name,
        "folder": c.folder,
        "license": c.license,
        "commercial_use": c.commercial_use,
        "examples": len(c.examples),
        "rows_read": c.rows_read,
        "repaired": c.repaired,
        "dropped": c.dropped,
        "sha256": c.sha256,
    }


def _probabilities(model: Model, ts: TrainingSet, mask: np.ndarray) -> dict[str, np.ndarray]:
    """Head probabilities for the rows in ``mask``, as full-length arrays (NaN elsewhere)."""
    idx = np.flatnonzero(mask)
    raw = np.asarray(ts.X[idx] @ model.dense_weights) + model.bias
    out = {}
    for k, head in enumerate(HEADS):
        full = np.full(len(ts.examples), np.nan)
        full[idx] = model.calibration[head](raw[:, k])
        out[head] = full
    return out

"""The fitted model: linear text heads, calibration, relevance, thresholds, and how they make one score.

Scores per label:
- abuse and conspiracy: a calibrated linear head over hashed word features;
- off_topic: spam (a linear head) or irrelevance (word-overlap signals against the article, the parent
  comment and the rest of the thread), combined as "either": 1 - (1 - spam) * (1 - irrelevant). Without any
  context relevance cannot be judged: the score is the spam score alone and a note says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moderation.labels import LABELS
from moderation.model.linear.explain import Unit, explain, phrases, unit_pulls, units_of
from moderation.model.linear.features import featurize
from moderation.model.linear.relevance import DocumentFrequency, batch_signals, content_hashes
from moderation.records import Article, Comment, Evidence, ScoredComment

HEADS = ("abuse", "conspiracy", "spam")
OFF_TOPIC_PRIOR = 0.15
"""Share of comments in a thread assumed to be off topic; relevance pairs are trained 50/50."""
NO_CONTEXT_NOTE = "off_topic: no article, parent or thread to compare with; relevance not judged, spam only"


def prior_shift(p: np.ndarray, prior: float = OFF_TOPIC_PRIOR) -> np.ndarray:
    """A probability trained on 50/50 pairs, moved to the share of off-topic comments in a real thread."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    odds = p / (1 - p) * (prior / (1 - prior))
    return odds / (1 + odds)


@dataclass
class Platt:
    """Maps a raw linear score to a probability: sigmoid(a * score + b), fitted on validation data."""

    a: float = 1.0
    b: float = 0.0

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.a * raw + self.b)))


@dataclass
class Model:
    """Everything needed to score comments; saved as one joblib file with a JSON sidecar."""

    weights: np.ndarray  # (N_FEATURES, len(HEADS)), float16 on disk
    bias: np.ndarray  # (len(HEADS),)
    calibration: dict[str, Platt]
    relevance: Any  # a fitted scikit-learn classifier over relevance signals
    document_frequency: DocumentFrequency
    thresholds: dict[str, float]
    version: str
    info: dict[str, Any] = field(default_factory=dict)
    labels: tuple[str, ...] = LABELS

    def __post_init__(self) -> None:
        self._dense: np.ndarray | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_dense"] = None
        state.pop("_article_cache", None)
        return state

    @property
    def dense_weights(self) -> np.ndarray:
        if getattr(self, "_dense", None) is None:
            self._dense = np.ascontiguousarray(self.weights, dtype=np.float32)
        return self._dense  # type: ignore[return-value]

    def head_probabilities(self, texts: Sequence[str]) -> tuple[dict[str, np.ndarray], Any]:
        batch = featurize(texts)
        raw = np.asarray(batch.X @ self.dense_weights) + self.bias
        return {h: self.calibration[h](raw[:, i]) for i, h in enumerate(HEADS)}, batch

    def irrelevance(self, rows: np.ndarray) -> np.ndarray:
        """P(off topic | signals), moved from the 50/50 of the training pairs to ``OFF_TOPIC_PRIOR``."""
        return prior_shift(self.relevance.predict_proba(rows)[:, 1])

    def score(
        self,
        comments: Sequence[Comment],
        articles: Mapping[str, Article] | None = None,
        parents: Mapping[str, Comment] | None = None,
        *,
        thresholds: Mapping[str, float] | None = None,
        explain_flags: bool = True,
    ) -> list[ScoredComment]:
        """Score a batch. Comments of one article should arrive in one batch: they are each other's thread.

        ``parents``: comments of earlier batches that this batch replies to, by key (``Comment.key``).
        """
        if not comments:
            return []
        articles = articles or {}
        limits = {**self.thresholds, **(thresholds or {})}
        probs, batch = self.head_probabilities([c.text for c in comments])
        words = list(batch.hashes)
        index_of = {c.key: i for i, c in enumerate(comments)}  # keys: ids repeat across articles
        thread_of: list[int] = []
        article_words: list[set[int]] = []
        thread_ids: dict[str, int] = {}
        for comment in comments:
            key = comment.article_id
            if key is None or key not in thread_ids:
                article = articles.get(key) if key else None
                article_words.append(self.article_words(article))
                if key is not None:
                    thread_ids[key] = len(article_words) - 1
            thread_of.append(thread_ids[key] if key is not None else len(article_words) - 1)
        parent_of = [index_of.get(c.parent_key, -1) if c.parent_key else -1 for c in comments]
        known_parents = parents or {}
        outside = [c.parent_key for c in comments if c.parent_key not in index_of and c.parent_key in known_parents]
        if outside:  # parents from earlier batches join as extra rows, each alone in its own thread
            extra = featurize([known_parents[pid].text for pid in dict.fromkeys(outside)]).hashes
            for pid, hashes in zip(dict.fromkeys(outside), extra, strict=True):
                index_of[pid] = len(words)
                words.append(hashes)
                article_words.append(set())
                thread_of.append(len(article_words) - 1)
                parent_of.append(-1)
            parent_of[: len(comments)] = [index_of.get(c.parent_key, -1) if c.parent_key else -1 for c in comments]
        sizes = np.bincount(thread_of)
        judged = [
            i
            for i in range(len(comments))
            if article_words[thread_of[i]] or sizes[thread_of[i]] > 1 or parent_of[i] >= 0
        ]
        irrelevant = np.zeros(len(comments))
        if judged:
            rows = batch_signals(words, thread_of, article_words, parent_of, self.document_frequency)
            irrelevant[judged] = self.irrelevance(rows[judged])
        off_topic = 1.0 - (1.0 - probs["spam"]) * (1.0 - irrelevant)
        judged_set = set(judged)
        out = []
        all_flags = []
        per_label = {"abuse": probs["abuse"], "conspiracy": probs["conspiracy"], "off_topic": off_topic}
        for values in zip(*(column.tolist() for column in per_label.values()), strict=True):
            scores = dict(zip(per_label, values, strict=True))
            all_flags.append((scores, tuple(label for label in LABELS if scores[label] >= limits[label])))
        explained = self._labels_to_explain(all_flags, probs["spam"], limits) if explain_flags else {}
        evidence_of = self._evidence_of([c.text for c in comments], explained)
        for i, comment in enumerate(comments):
            scores, flags = all_flags[i]
            evidence = evidence_of.get(i, {})
            notes = () if i in judged_set else (NO_CONTEXT_NOTE,)
            article = articles.get(comment.article_id) if comment.article_id else None
            title = article.title if article else None
            out.append(ScoredComment(comment, scores, flags, evidence, notes, self.version, title))
        return out

    @staticmethod
    def _labels_to_explain(
        all_flags: Sequence[tuple[dict[str, float], tuple[str, ...]]], spam: np.ndarray, limits: Mapping[str, float]
    ) -> dict[int, list[str]]:
        """Flagged comments that have a label to explain, and those labels.

        off_topic is explained by its spam part only when spam carries it, not when irrelevance does (there are
        no phrases behind "unrelated to the thread"), so a comment flagged off topic for irrelevance alone is not
        cut into phrases at all: most flags are of that kind, and cutting is the costly part of explaining.
        """
        out: dict[int, list[str]] = {}
        spam_carries = 0.5 * limits["off_topic"]
        for i, (_, flags) in enumerate(all_flags):
            if flags:
                wanted = [f for f in flags if f != "off_topic" or spam[i] >= spam_carries]
                if wanted:
                    out[i] = wanted
        return out

    def _evidence_of(self, texts: Sequence[str], explained: Mapping[int, list[str]]) -> dict[int, dict]:
        """``evidence`` for many texts at once (text index -> labels to explain): one pass per head, not per text."""
        out: dict[int, dict[str, list[Evidence]]] = {i: {} for i in explained}
        units = dict(zip(explained, units_of([texts[i] for i in explained]), strict=True))
        for label in LABELS:  # the order `evidence` fills the labels in, as flags list them
            asked = [i for i, labels in explained.items() if label in labels]
            if not asked:
                continue
            head = "spam" if label == "off_topic" else label
            pulls = unit_pulls([units[i] for i in asked], self.dense_weights[:, HEADS.index(head)])
            for i, pull in zip(asked, pulls, strict=True):
                spans = phrases(texts[i], units[i], pull)
                if spans:
                    out[i][label] = spans
        return out

    def article_words(self, article: Article | None) -> set[int]:
        """An article's word hashes, remembered across batches (articles have many comments)."""
        if article is None or not article.context:
            return set()
        cache = self.__dict__.setdefault("_article_cache", {})
        key = (article.id, hash(article.context))
        if key not in cache:
            if len(cache) > 10000:
                cache.clear()
            cache[key] = content_hashes(article.context)
        return cache[key]

    def evidence(self, text: str, labels: Sequence[str], units: list[Unit] | None = None) -> dict[str, list[Evidence]]:
        """Phrases behind each given label (off_topic is explained by its spam part)."""
        out = {}
        for label in labels:
            head = "spam" if label == "off_topic" else label
            spans = explain(text, self.dense_weights[:, HEADS.index(head)], units=units)
            if spans:
                out[label] = spans
        return out

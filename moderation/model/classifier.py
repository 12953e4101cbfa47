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
from moderation.model.explain import explain
from moderation.model.features import featurize
from moderation.model.relevance import DocumentFrequency, Thread, signals
from moderation.records import Article, Comment, Evidence, ScoredComment

HEADS = ("abuse", "conspiracy", "spam")
NO_CONTEXT_NOTE = "off_topic: no article, parent or thread to compare with; relevance not judged, spam only"


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
        return self.relevance.predict_proba(rows)[:, 1]

    def score(
        self,
        comments: Sequence[Comment],
        articles: Mapping[str, Article] | None = None,
        parents: Mapping[str, Comment] | None = None,
        *,
        thresholds: Mapping[str, float] | None = None,
        explain_flags: bool = True,
    ) -> list[ScoredComment]:
        """Score a batch. Comments of one article should arrive in one batch: they are each other's thread."""
        if not comments:
            return []
        articles = articles or {}
        limits = {**self.thresholds, **(thresholds or {})}
        probs, batch = self.head_probabilities([c.text for c in comments])
        word_sets = [set(h.tolist()) for h in batch.hashes]
        by_id = {c.id: words for c, words in zip(comments, word_sets, strict=True)}
        threads: dict[str, Thread] = {}
        for comment, words in zip(comments, word_sets, strict=True):
            key = comment.article_id or ""
            if key not in threads:
                article = articles.get(key) if key else None
                threads[key] = Thread.build(article.context if article else "", ())
            if key:
                threads[key].add(words)
        rows, judged = [], []
        for i, comment in enumerate(comments):
            thread = threads[comment.article_id or ""]
            parent_words = by_id.get(comment.parent_id or "")
            if parent_words is None and parents and comment.parent_id in parents:
                parent_words = set(featurize([parents[comment.parent_id].text]).hashes[0].tolist())
            if thread.has_context or parent_words:
                rows.append(signals(word_sets[i], thread, parent_words, self.document_frequency))
                judged.append(i)
        irrelevant = np.zeros(len(comments))
        if rows:
            irrelevant[judged] = self.irrelevance(np.vstack(rows))
        off_topic = 1.0 - (1.0 - probs["spam"]) * (1.0 - irrelevant)
        judged_set = set(judged)
        out = []
        for i, comment in enumerate(comments):
            scores = {
                "abuse": float(probs["abuse"][i]),
                "conspiracy": float(probs["conspiracy"][i]),
                "off_topic": float(off_topic[i]),
            }
            flags = tuple(label for label in LABELS if scores[label] >= limits[label])
            evidence = self.evidence(comment.text, flags) if explain_flags and flags else {}
            notes = () if i in judged_set else (NO_CONTEXT_NOTE,)
            out.append(ScoredComment(comment, scores, flags, evidence, notes, self.version))
        return out

    def evidence(self, text: str, labels: Sequence[str]) -> dict[str, list[Evidence]]:
        """Phrases behind each given label (off_topic is explained by its spam part, when it has one)."""
        out = {}
        for label in labels:
            head = "spam" if label == "off_topic" else label
            spans = explain(text, self.dense_weights[:, HEADS.index(head)])
            if spans:
                out[label] = spans
        return out

"""The full tier: sentence-encoder heads on top of the linear tier, and semantic relevance for off-topic.

Per label:
- abuse, conspiracy and spam: a head over the encoder's vector of the comment (mean and max of its token
  vectors), a logistic regression or one hidden layer of ReLUs (``Head``), blended with the linear tier's
  score of the same head by a small logistic regression fitted on validation data:
  sigmoid(a * encoder logit + b * linear logit + c). Which head, whether the linear score takes part, and
  the heads' regularisation were chosen by leave-one-source-out validation (the model card has the table);
- conspiracy also reads how close the comment is to the narrative catalogue (``narratives``): a fixed share
  of that closeness joins its logit (``NarrativePrior``), the share chosen by the same validation;
- off_topic: spam or irrelevance as in the linear tier, where irrelevance also reads how close the comment's
  vector is to its article's or its parent's (the closer), to the rest of its thread's (their mean, leaving
  the comment out), and to a fixed bank of other threads (``background``): a generic reply is as far from its
  own article as from any, a comment about something else is close to some other thread.

Evidence for a flag is the linear tier's phrases for that label; when it finds none (a flag the encoder
carried alone), the sentence of the comment the encoder's head scores highest is the span. A conspiracy flag
names the catalogue narratives its closest sentence matches.

The linear tier is kept whole inside (``fast``): ``moderation score --fast`` runs it alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moderation.labels import LABELS
from moderation.model.linear.classifier import HEADS, OFF_TOPIC_PRIOR, Model, prior_shift
from moderation.model.narratives.catalogue import Catalogue
from moderation.model.narratives.similarity import NarrativeIndex
from moderation.records import Article, Comment, Evidence, ScoredComment

NEVER = {label: 2.0 for label in LABELS}
RELEVANCE_FEATURES = (
    "linear_irrelevance_logit",
    "context_similarity",
    "thread_similarity",
    "has_context",
    "has_thread",
    "log_words",
    "context_similarity_x_log_words",
    "thread_similarity_x_log_words",
    "background_max",
    "background_mean",
    "context_over_background",
    "generic_similarity",
)
"""Context is the article and the parent comment: the closer of the two counts (training threads record no
replies, so a separate parent signal could not be learned; a reply is about its parent as a comment is about
its article)."""
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def add_generic(rows: np.ndarray, units: np.ndarray, generic: np.ndarray | None) -> np.ndarray:
    """Fill the closeness to the nearest written generic reply ("Thanks for sharing.", "Which part?"): such a
    comment belongs in any thread, however far it is from the article."""
    if generic is not None and len(generic):
        rows[:, 11] = (units @ generic.T).max(axis=1)
    return rows


def add_background(rows: np.ndarray, units: np.ndarray, background: np.ndarray | None) -> np.ndarray:
    """Fill the background columns: closeness to a bank of other threads, and how much closer the context is.

    A generic reply is about as close to its context as to any thread (no margin); a comment about another
    subject is close to some thread of the bank and far from its context.
    """
    if background is None or not len(background):
        return rows
    sims = units @ background.T
    rows[:, 8] = sims.max(axis=1)
    rows[:, 9] = sims.mean(axis=1)
    best_context = np.where(rows[:, 3] > 0, rows[:, 1], -1.0)
    best = np.maximum(best_context, np.where(rows[:, 4] > 0, rows[:, 2], -1.0))
    rows[:, 10] = np.where((rows[:, 3] > 0) | (rows[:, 4] > 0), best - rows[:, 9], 0.0)
    return rows


def add_length(rows: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Fill the length columns: a short reply ("Good report") is far from everything in meaning, so how much
    distance says depends on how much text there is."""
    words = np.log1p(np.fromiter((len(t.split()) for t in texts), dtype=np.float64, count=len(texts)))
    rows[:, 5] = words
    rows[:, 6] = rows[:, 1] * words
    rows[:, 7] = rows[:, 2] * words
    return rows


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def head_features(vectors: np.ndarray) -> np.ndarray:
    """The encoder's (mean, max) vectors with the mean part scaled to unit length (its direction is the meaning)."""
    half = vectors.shape[1] // 2
    mean = vectors[:, :half]
    norms = np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9)
    return np.hstack([mean / norms, vectors[:, half:]])


def unit_means(vectors: np.ndarray) -> np.ndarray:
    """The mean parts as unit vectors, for cosine similarities."""
    mean = vectors[:, : vectors.shape[1] // 2].astype(np.float64)
    return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-9)


@dataclass
class Head:
    """One head over standardised encoder features: a logistic regression (``hidden`` None), or one hidden
    layer of ReLUs under it, which can learn that a group's name is harmless and a dehumanising predicate is
    not, where a linear head has to weigh each direction of meaning once for all."""

    weights: np.ndarray
    """(dim,) for a linear head; (dim, hidden) for the hidden layer."""
    bias: np.ndarray
    out_weights: np.ndarray | None = None
    out_bias: float = 0.0

    def logit(self, z: np.ndarray) -> np.ndarray:
        if self.out_weights is None:
            return z @ self.weights + float(self.bias)
        return np.maximum(z @ self.weights + self.bias, 0.0) @ self.out_weights + self.out_bias

    @property
    def kind(self) -> str:
        return "linear" if self.out_weights is None else f"{self.weights.shape[1]} hidden units"


@dataclass
class EncoderHeads:
    """Heads over standardised encoder features, one per name in ``HEADS``."""

    center: np.ndarray
    scale: np.ndarray
    heads: dict[str, Head]

    def standardise(self, vectors: np.ndarray) -> np.ndarray:
        return ((head_features(vectors) - self.center) / self.scale).astype(np.float32)

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        """(n, len(HEADS)) logits, in ``HEADS`` order."""
        z = self.standardise(vectors)
        return np.column_stack([self.heads[h].logit(z) for h in HEADS]) if len(z) else np.zeros((0, len(HEADS)))


@dataclass
class NarrativePrior:
    """A fixed share of the catalogue features in a logit: sum of weight * standardised feature."""

    columns: tuple[int, ...]
    center: np.ndarray
    scale: np.ndarray
    weights: np.ndarray

    def __call__(self, features: np.ndarray) -> np.ndarray:
        return ((features[:, list(self.columns)] - self.center) / self.scale) @ self.weights


@dataclass
class Blend:
    """sigmoid(a * encoder logit + b * linear logit + c (+ the narrative prior, then rescaled)) for one head."""

    a: float
    b: float
    c: float
    prior: NarrativePrior | None = None
    scale: float = 1.0
    shift: float = 0.0

    def logit(
        self, encoder_logit: np.ndarray, linear_logit: np.ndarray, narrative: np.ndarray | None = None
    ) -> np.ndarray:
        base = self.a * encoder_logit + self.b * linear_logit + self.c
        if self.prior is not None and narrative is not None:
            base = base + self.prior(narrative)
        return self.scale * base + self.shift

    def __call__(
        self, encoder_logit: np.ndarray, linear_logit: np.ndarray, narrative: np.ndarray | None = None
    ) -> np.ndarray:
        return sigmoid(self.logit(encoder_logit, linear_logit, narrative))


@dataclass
class FullModel:
    """The full tier: everything needed to score, saved as one joblib file with the linear tier inside."""

    fast: Model
    heads: EncoderHeads
    blends: dict[str, Blend]
    relevance: Any  # scikit-learn classifier over RELEVANCE_FEATURES
    thresholds: dict[str, float]
    version: str
    encoder_id: str
    info: dict[str, Any] = field(default_factory=dict)
    labels: tuple[str, ...] = LABELS
    narratives: NarrativeIndex | None = None
    """The catalogue under the conspiracy head, embedded: what a conspiracy flag names."""
    background: np.ndarray | None = None
    """(B, dim) unit vectors of other threads, the bank that tells a generic reply from a foreign one."""
    generic: np.ndarray | None = None
    """(G, dim) unit vectors of the generic replies written for training: what "fits anywhere" reads like."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_article_vectors", None)
        state.pop("_encoder", None)
        return state

    def with_narratives(self, catalogue: Catalogue) -> FullModel:
        """A copy whose conspiracy features and flags use ``catalogue`` (a site's additions embedded now)."""
        import copy

        if self.narratives is not None and catalogue.fingerprint() == self.narratives.fingerprint:
            return self
        other = copy.copy(self)
        other.narratives = NarrativeIndex.build(catalogue, lambda texts: unit_means(self.embed(texts)))
        return other

    def narrative_features(self, vectors: np.ndarray) -> np.ndarray | None:
        return None if self.narratives is None else self.narratives.features(unit_means(vectors))

    @property
    def encoder(self) -> Any:
        """The process's encoder, checked to be the one these heads were trained on."""
        if self.__dict__.get("_encoder") is None:
            from moderation.errors import ModelError
            from moderation.model.encoder.network import encoder_id, shared_encoder

            if encoder_id() != self.encoder_id:
                raise ModelError(
                    f"this model was trained on encoder {self.encoder_id}, but {encoder_id()} is installed; "
                    "retrain it or use --fast"
                )
            self.__dict__["_encoder"] = shared_encoder()
        return self.__dict__["_encoder"]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.embed(list(texts))

    def head_probabilities(
        self, texts: Sequence[str], vectors: np.ndarray | None = None, linear: dict[str, np.ndarray] | None = None
    ) -> dict[str, np.ndarray]:
        """Blended probabilities per head (abuse, conspiracy, spam); vectors and the linear tier's probabilities
        are computed here unless given."""
        if linear is None:
            linear, _ = self.fast.head_probabilities(texts)
        vectors = self.embed(texts) if vectors is None else vectors
        encoded = self.heads.logits(vectors)
        narrative = self.narrative_features(vectors)
        return {
            h: self.blends[h](encoded[:, k], logit(linear[h]), narrative if h == "conspiracy" else None)
            for k, h in enumerate(HEADS)
        }

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
        parents = parents or {}
        limits = {**self.thresholds, **(thresholds or {})}
        linear = self.fast.score(comments, articles, parents, thresholds=NEVER, explain_flags=False)
        texts = [c.text for c in comments]
        vectors = self.embed(texts)
        linear_probs, _ = self.fast.head_probabilities(texts)
        probs = self.head_probabilities(texts, vectors, linear_probs)
        linear_spam = linear_probs["spam"]
        judged = np.array([not s.notes for s in linear])
        # the linear tier's off_topic is 1 - (1 - spam)(1 - irrelevant): its irrelevance part, recovered
        linear_off = np.array([s.scores["off_topic"] for s in linear])
        linear_irrelevant = np.clip(1.0 - (1.0 - linear_off) / np.maximum(1.0 - linear_spam, 1e-9), 0.0, 1.0)
        irrelevant = np.zeros(len(comments))
        if judged.any():
            rows = self.relevance_rows(comments, vectors, linear_irrelevant, articles, parents)
            irrelevant[judged] = prior_shift(self.relevance.predict_proba(rows[judged])[:, 1])
        off_topic = 1.0 - (1.0 - probs["spam"]) * (1.0 - irrelevant)
        out = []
        for i, (comment, base) in enumerate(zip(comments, linear, strict=True)):
            scores = {
                "abuse": float(probs["abuse"][i]),
                "conspiracy": float(probs["conspiracy"][i]),
                "off_topic": float(off_topic[i]),
            }
            flags = tuple(label for label in LABELS if scores[label] >= limits[label])
            evidence: dict[str, list[Evidence]] = {}
            if flags and explain_flags:
                wanted = [f for f in flags if f != "off_topic" or probs["spam"][i] >= 0.5 * limits["off_topic"]]
                evidence = self.evidence(comment.text, wanted)
            out.append(ScoredComment(comment, scores, flags, evidence, base.notes, self.version, base.article_title))
        return out

    # ------------------------------------------------------------ relevance

    def article_vector(self, article: Article | None) -> np.ndarray | None:
        """An article's unit mean vector, remembered across batches (articles have many comments)."""
        if article is None or not article.context:
            return None
        cache = self.__dict__.setdefault("_article_vectors", {})
        key = (article.id, hash(article.context))
        if key not in cache:
            if len(cache) > 10000:
                cache.clear()
            cache[key] = unit_means(self.embed([article.context]))[0]
        return cache[key]

    def relevance_rows(
        self,
        comments: Sequence[Comment],
        vectors: np.ndarray,
        linear_irrelevant: np.ndarray,
        articles: Mapping[str, Article],
        parents: Mapping[str, Comment],
    ) -> np.ndarray:
        """RELEVANCE_FEATURES per comment; its thread is the batch's comments of the same article."""
        units = unit_means(vectors)
        n = len(comments)
        rows = np.zeros((n, len(RELEVANCE_FEATURES)))
        rows[:, 0] = logit(prior_unshift(linear_irrelevant))
        threads: dict[str, list[int]] = {}
        for i, c in enumerate(comments):
            if c.article_id is not None:
                threads.setdefault(c.article_id, []).append(i)
        rows[:, 1] = -1.0
        for key, members in threads.items():
            article = self.article_vector(articles.get(key))
            if article is not None:
                rows[members, 1] = units[members] @ article
                rows[members, 3] = 1.0
            if len(members) > 1:
                total = units[members].sum(axis=0)
                others = total[None, :] - units[members]
                others /= np.maximum(np.linalg.norm(others, axis=1, keepdims=True), 1e-9)
                rows[members, 2] = np.einsum("ij,ij->i", units[members], others)
                rows[members, 4] = 1.0
        index = {c.key: i for i, c in enumerate(comments)}  # keys: ids repeat across articles
        wanted = dict.fromkeys(c.parent_key for c in comments if c.parent_key and c.parent_key not in index)
        outside = [key for key in wanted if key in parents]
        outside_units = unit_means(self.embed([parents[key].text for key in outside])) if outside else None
        outside_at = {key: k for k, key in enumerate(outside)}
        for i, c in enumerate(comments):
            if not c.parent_key:
                continue
            if c.parent_key in index:
                parent = units[index[c.parent_key]]
            elif c.parent_key in outside_at and outside_units is not None:
                parent = outside_units[outside_at[c.parent_key]]
            else:
                continue
            rows[i, 1] = max(rows[i, 1], float(units[i] @ parent))
            rows[i, 3] = 1.0
        rows[rows[:, 3] == 0, 1] = 0.0
        add_background(rows, units, self.background)
        add_generic(rows, units, self.generic)
        return add_length(rows, [c.text for c in comments])

    # ------------------------------------------------------------ evidence

    def evidence(self, text: str, labels: Sequence[str]) -> dict[str, list[Evidence]]:
        """The linear tier's phrases per label; else the sentence the encoder head scores highest. A conspiracy
        flag first names the narratives of the catalogue its closest sentence matches, and points at it."""
        found = self.fast.evidence(text, labels)
        narrated = "conspiracy" in labels and self.narratives is not None
        missing = [label for label in labels if not found.get(label)]
        if not missing and not narrated:
            return found
        sentences = [(m.start(), m.end()) for m in SENTENCE.finditer(text) if m.group().strip()]
        if len(sentences) <= 1:
            sentences = [(0, len(text))]
        vectors = self.embed([text[s:e] for s, e in sentences])
        logits = self.heads.logits(vectors) if len(sentences) > 1 else np.zeros((1, len(HEADS)))
        for label in missing:
            k = HEADS.index("spam" if label == "off_topic" else label)
            best = int(np.argmax(logits[:, k]))
            found[label] = [_sentence(text, *sentences[best], float(logits[best, k]))]
        if narrated and self.narratives is not None:
            closeness = self.narratives.narrative_similarity(unit_means(vectors))
            best = int(np.argmax(closeness.max(axis=1)))
            named = self.narratives.ranked(closeness[best], k=NARRATIVES_NAMED)
            top = named[0][2]
            names = tuple(name for _, name, sim in named if sim >= top - NARRATIVE_MARGIN)
            span = _sentence(text, *sentences[best], top, names)
            found["conspiracy"] = [span, *(e for e in found.get("conspiracy", ()) if not e.narratives)]
        return found


NARRATIVES_NAMED = 2
NARRATIVE_MARGIN = 0.05
"""A second narrative is named only when its sentence is nearly as close to it as to the first."""


def _sentence(text: str, start: int, end: int, weight: float, narratives: tuple[str, ...] = ()) -> Evidence:
    while start < end and text[start].isspace():
        start += 1
    return Evidence(start, end, text[start:end], round(weight, 4), narratives)


def prior_unshift(p: np.ndarray, prior: float = OFF_TOPIC_PRIOR) -> np.ndarray:
    """The inverse of ``prior_shift``: the linear tier's irrelevance back on the 50/50 scale of its pairs."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    odds = p / (1 - p) / (prior / (1 - prior))
    return odds / (1 + odds)

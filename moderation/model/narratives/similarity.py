"""How close a comment's meaning is to each narrative of the catalogue, under the sentence encoder.

The training corpora are mostly COVID, 5G and QAnon; news comment sections talk about wars, elections, banks,
migration and secret elites. The catalogue reaches those narratives by meaning: a comment close to several
paraphrases of "the attack was staged to justify a war" is close to that narrative whichever words it uses.
Its ``critical`` statements (the same topics criticised without a plot) are the contrast: a comment that is
as close to them as to the plot is criticism, not a conspiracy claim.

Features per comment (``FEATURES``): the largest cosine to any statement, the mean of the three narratives
it is closest to, how far the closest narrative stands above the typical one (a comment close to everything
is vague, not conspiratorial), the largest cosine to a critical statement and the difference, the largest
cosine to a narrative's centre (the mean of its statements: what they share, not one wording), and the
largest cosine within each domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from moderation.model.narratives.catalogue import DOMAINS, Catalogue

SUMMARY = (
    "narrative_top",
    "narrative_top3",
    "narrative_lift",
    "critical_top",
    "narrative_minus_critical",
    "narrative_centroid_top",
)
FEATURES = SUMMARY + tuple(f"domain_{d}" for d in DOMAINS)


@dataclass
class NarrativeIndex:
    """Unit vectors of the catalogue's statements, grouped by narrative, and what to name in a flag."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    domains: tuple[str, ...]
    statements: np.ndarray
    """(S, dim) unit vectors of every narrative's statements, narrative by narrative."""
    owner: np.ndarray
    """(S,) the narrative each statement belongs to."""
    critical: np.ndarray
    """(C, dim) unit vectors of the critical statements (may be empty)."""
    fingerprint: str = ""

    @classmethod
    def build(cls, catalogue: Catalogue, embed_units: object) -> NarrativeIndex:
        """Embed the catalogue with ``embed_units(texts) -> (n, dim) unit vectors``."""
        texts: list[str] = []
        owner: list[int] = []
        for k, narrative in enumerate(catalogue):
            texts.extend(narrative.statements)
            owner.extend([k] * len(narrative.statements))
        critical = [c for n in catalogue for c in n.critical]
        units = embed_units([*texts, *critical])  # type: ignore[operator]
        return cls(
            ids=tuple(n.id for n in catalogue),
            names=tuple(n.name for n in catalogue),
            domains=tuple(n.domain for n in catalogue),
            statements=np.asarray(units[: len(texts)], dtype=np.float32),
            owner=np.asarray(owner, dtype=np.int64),
            critical=np.asarray(units[len(texts) :], dtype=np.float32).reshape(len(critical), -1),
            fingerprint=catalogue.fingerprint(),
        )

    def narrative_similarity(self, units: np.ndarray) -> np.ndarray:
        """(n, narratives): each comment's largest cosine to any statement of each narrative."""
        sims = np.asarray(units, dtype=np.float32) @ self.statements.T
        starts = np.flatnonzero(np.r_[True, self.owner[1:] != self.owner[:-1]])
        return np.maximum.reduceat(sims, starts, axis=1) if len(sims) else np.zeros((0, len(self.ids)))

    def features(self, units: np.ndarray) -> np.ndarray:
        """``FEATURES`` per comment, from unit mean vectors (n, dim)."""
        n = len(units)
        out = np.zeros((n, len(FEATURES)), dtype=np.float64)
        if n == 0:
            return out
        per = self.narrative_similarity(units).astype(np.float64)
        ranked = -np.sort(-per, axis=1)
        out[:, 0] = ranked[:, 0]
        out[:, 1] = ranked[:, :3].mean(axis=1)
        out[:, 2] = ranked[:, 0] - np.median(per, axis=1)
        if len(self.critical):
            out[:, 3] = (np.asarray(units, dtype=np.float32) @ self.critical.T).max(axis=1)
        out[:, 4] = out[:, 0] - out[:, 3]
        out[:, 5] = (np.asarray(units, dtype=np.float32) @ self.centroids().T).max(axis=1)
        domain_of = np.array([DOMAINS.index(d) for d in self.domains])
        for d in range(len(DOMAINS)):
            mine = domain_of == d
            if mine.any():
                out[:, len(SUMMARY) + d] = per[:, mine].max(axis=1)
        return out

    def centroids(self) -> np.ndarray:
        """(narratives, dim) unit means of each narrative's statements."""
        if getattr(self, "_centroids", None) is None:
            sums = np.zeros((len(self.ids), self.statements.shape[1]), dtype=np.float64)
            np.add.at(sums, self.owner, self.statements)
            self._centroids = unit_rows(sums).astype(np.float32)
        return self._centroids

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_centroids", None)
        return state

    def closest(self, unit: np.ndarray, k: int = 2, floor: float = 0.0) -> list[tuple[str, str, float]]:
        """The ``k`` narratives closest to one comment or sentence: (id, name, cosine), closest first."""
        return self.ranked(self.narrative_similarity(np.asarray(unit, dtype=np.float32)[None, :])[0], k, floor)

    def ranked(self, closeness: np.ndarray, k: int = 2, floor: float = 0.0) -> list[tuple[str, str, float]]:
        """The ``k`` narratives of one row of ``narrative_similarity``: (id, name, cosine), closest first."""
        order = np.argsort(-closeness)[:k]
        return [(self.ids[i], self.names[i], float(closeness[i])) for i in order if closeness[i] >= floor]


def unit_rows(vectors: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float64)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)

"""Requests' comments through the model: the same ``model.score`` that ``moderation score`` calls.

Each request is a ``Job`` (its comments and the articles they refer to). A batch of jobs from concurrent
requests becomes as few model calls as can be made without one request's comments touching another's: the
model treats the comments of one article in a call as a thread, and looks up replies by key, so two jobs
share a call only when their keys, parents and articles are all different. A job's scores therefore never
depend on which other requests happened to arrive with it.

Unlike ``moderation.scoring.Scorer``, nothing is remembered between requests (no articles, no earlier
comments as parents): a request is scored from what it carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from moderation.labels import LABELS
from moderation.records import Article, Comment, ScoredComment

EVERY_LABEL = dict.fromkeys(LABELS, 0.0)
"""Thresholds that flag every label, so the model explains every label (for span scores)."""


@dataclass(frozen=True)
class SpanScore:
    """An evidence span of a comment and the label's probability for that span's text alone."""

    begin: int
    end: int
    score: float


@dataclass
class Job:
    """One request's comments, scored together.

    ``explain``: the records carry evidence for their flags (``/v1/score``, like ``moderation score``).
    ``spans``: every label is explained and each evidence span scored alone (Perspective's ``spanAnnotations``).
    """

    comments: list[Comment]
    articles: dict[str, Article] = field(default_factory=dict)
    parents: dict[str, Comment] = field(default_factory=dict)
    """Comments replied to that are not scored themselves, by key."""
    explain: bool = False
    spans: bool = False

    @property
    def size(self) -> int:
        return len(self.comments)

    def names(self) -> set[str]:
        """What another job in the same model call must not share: comment keys, parent keys, article ids."""
        out: set[str] = set()
        for c in self.comments:
            out.add("k:" + c.key)
            if c.parent_key:
                out.add("k:" + c.parent_key)
            if c.article_id:
                out.add("a:" + c.article_id)
        return out


@dataclass
class JobResult:
    scored: list[ScoredComment]
    spans: list[dict[str, list[SpanScore]]] | None = None
    """Per comment, per label: its evidence spans with their scores (only for ``Job.spans``)."""


class ScoringEngine:
    """Scores batches of jobs with one model and one set of thresholds; runs on a worker thread."""

    def __init__(self, model: Any, thresholds: Mapping[str, float] | None = None) -> None:
        self.model = model
        self.thresholds = dict(thresholds or {})

    @property
    def version(self) -> str:
        return str(self.model.version)

    def effective_thresholds(self) -> dict[str, float]:
        return {**self.model.thresholds, **self.thresholds}

    def warm_up(self) -> None:
        """Score one comment with spans, so the first request does not pay for loading the encoder."""
        self.run([Job([Comment(id="warm-up", text="Thanks for the article, you idiot.")], spans=True)])

    def run(self, jobs: Sequence[Job]) -> list[JobResult]:
        """Every job's results, in order."""
        results: list[JobResult | None] = [None] * len(jobs)
        for kind in _kinds(jobs):
            for group in _disjoint_groups(kind, jobs):
                self._score_group([jobs[i] for i in group], group, results)
        span_jobs = [i for i, job in enumerate(jobs) if job.spans]
        if span_jobs:
            self._score_spans([results[i] for i in span_jobs])  # type: ignore[misc]
        return results  # type: ignore[return-value]

    def _score_group(self, jobs: list[Job], where: list[int], results: list[JobResult | None]) -> None:
        comments = [c for job in jobs for c in job.comments]
        articles: dict[str, Article] = {}
        parents: dict[str, Comment] = {}
        for job in jobs:
            articles.update(job.articles)
            parents.update(job.parents)
        first = jobs[0]
        thresholds = EVERY_LABEL if first.spans else self.thresholds
        explain = first.explain or first.spans
        scored = self.model.score(comments, articles, parents, thresholds=thresholds, explain_flags=explain)
        start = 0
        for job, i in zip(jobs, where, strict=True):
            results[i] = JobResult(scored[start : start + job.size])
            start += job.size

    def _score_spans(self, results: list[JobResult]) -> None:
        """Each evidence span's text scored alone: the label's probability for that part of the comment.

        Span jobs were scored with every label flagged (so every label was explained); their flags are put
        back to the server's thresholds here.
        """
        limits = self.effective_thresholds()
        wanted: list[tuple[int, int, str, int, int]] = []  # result, comment, label, begin, end
        texts: list[str] = []
        for r, result in enumerate(results):
            fixed = []
            for k, scored in enumerate(result.scored):
                flags = tuple(label for label in LABELS if scored.scores[label] >= limits[label])
                evidence = {label: spans for label, spans in scored.evidence.items() if label in flags}
                fixed.append(_with(scored, flags, evidence))
                for label, spans in scored.evidence.items():
                    for span in spans:
                        wanted.append((r, k, label, span.start, span.end))
                        texts.append(span.text)
            result.spans = [{} for _ in result.scored]
            result.scored = fixed
        if not texts:
            return
        alone = self.model.score([Comment(id=f"span-{i}", text=t) for i, t in enumerate(texts)], explain_flags=False)
        for (r, k, label, begin, end), scored in zip(wanted, alone, strict=True):
            spans = results[r].spans
            assert spans is not None
            spans[k].setdefault(label, []).append(SpanScore(begin, end, scored.scores[label]))


def _with(scored: ScoredComment, flags: tuple[str, ...], evidence: dict[str, Any]) -> ScoredComment:
    return ScoredComment(
        scored.comment, scored.scores, flags, evidence, scored.notes, scored.model_version, scored.article_title
    )


def _kinds(jobs: Sequence[Job]) -> Iterator[list[int]]:
    """Job indices by how they are scored (explained or not, spans or not): one kind per model call."""
    kinds: dict[tuple[bool, bool], list[int]] = {}
    for i, job in enumerate(jobs):
        kinds.setdefault((job.explain, job.spans), []).append(i)
    yield from kinds.values()


def _disjoint_groups(indices: Iterable[int], jobs: Sequence[Job]) -> Iterator[list[int]]:
    """Jobs in arrival order, cut into groups whose names never meet; a job that meets the open group's names
    waits for a later group."""
    waiting = list(indices)
    while waiting:
        group: list[int] = []
        taken: set[str] = set()
        later: list[int] = []
        for i in waiting:
            names = jobs[i].names()
            if taken.isdisjoint(names):
                group.append(i)
                taken |= names
            else:
                later.append(i)
        yield group
        waiting = later

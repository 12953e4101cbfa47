"""Scoring a stream of ingested records in batches, in input order, with bounded memory.

Comments of one article are each other's thread (what relevance compares a comment with), so batches are
cut between runs of comments of the same article, never inside one unless it is longer than ``max_batch``.
Batches depend only on the input order, so the same input always gets the same scores.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import orjson

from moderation.records import Article, Comment, Record, ScoredComment

MIN_BATCH = 1000
MAX_BATCH = 5000
RECENT_PARENTS = 20000
T = TypeVar("T")


def batches(
    records: Iterable[Record], min_batch: int = MIN_BATCH, max_batch: int = MAX_BATCH
) -> Iterator[list[Comment]]:
    """Comments grouped into batches made of whole article runs (articles and rejects are skipped)."""
    batch: list[Comment] = []
    run_article: object = object()
    for record in records:
        if not isinstance(record, Comment):
            continue
        new_run = record.article_id != run_article
        if batch and ((new_run and len(batch) >= min_batch) or len(batch) >= max_batch):
            yield batch
            batch = []
        run_article = record.article_id
        batch.append(record)
    if batch:
        yield batch


class Scorer:
    """Feeds records through a model, remembering articles and recent comments for context."""

    def __init__(
        self,
        model: Any,
        thresholds: Mapping[str, float] | None = None,
        explain: bool = True,
        *,
        jobs: int = 1,
        min_batch: int = MIN_BATCH,
        model_source: tuple[str | None, bool, bool, str | None] = (None, False, False, None),
    ) -> None:
        self.model = model
        self.thresholds = dict(thresholds or {})
        self.explain = explain
        self.jobs = jobs
        self.min_batch = min_batch
        """Smallest batch cut at an article boundary: small for a queue that opens while scoring goes on."""
        self.model_source = model_source
        """How a worker process loads the same model: (path or None for the shipped one, trusted, fast tier, the
        config file whose narratives join the catalogue)."""
        self.articles: dict[str, Article] = {}
        self._recent: OrderedDict[str, Comment] = OrderedDict()

    def _remember(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            if isinstance(record, Article):
                self.articles[record.id] = record
            yield record

    def _keep_recent(self, batch: list[Comment]) -> None:
        for comment in batch:
            key = comment.key
            self._recent[key] = comment
            self._recent.move_to_end(key)
        while len(self._recent) > RECENT_PARENTS:
            self._recent.popitem(last=False)

    def score_batch(self, batch: list[Comment]) -> list[ScoredComment]:
        articles, parents = self._context(batch)
        scored = self.model.score(batch, articles, parents, thresholds=self.thresholds, explain_flags=self.explain)
        self._keep_recent(batch)
        return scored

    def _context(self, batch: list[Comment]) -> tuple[dict[str, Article], dict[str, Comment]]:
        """The articles and earlier comments (by key) one batch needs, so a worker gets only those."""
        wanted = {c.parent_key for c in batch if c.parent_id}
        parents = {pid: self._recent[pid] for pid in wanted if pid in self._recent}
        ids = {c.article_id for c in batch if c.article_id}
        return {k: self.articles[k] for k in ids if k in self.articles}, parents

    def _pending(self, records: Iterable[Record], skip: int) -> Iterator[tuple[list[Comment], dict, dict]]:
        for batch in batches(self._remember(records), self.min_batch):
            if skip >= len(batch):
                skip -= len(batch)
                self._keep_recent(batch)
                continue
            if skip:
                raise ValueError("a resume point must fall between batches")
            articles, parents = self._context(batch)
            self._keep_recent(batch)
            yield batch, articles, parents

    def score_batches(self, records: Iterable[Record], skip: int = 0) -> Iterator[list[ScoredComment]]:
        """Scored batches in input order. ``skip`` comments (whole batches, as a checkpoint records them) are
        read for context but not scored again, so a resumed run continues exactly as an unbroken one.

        With ``jobs`` > 1 the batches are scored in worker processes (each loads the model once) and come
        back in input order; the records are the same as with one process.
        """
        pending = self._pending(records, skip)
        if self.jobs <= 1:
            for batch, articles, parents in pending:
                yield self.model.score(batch, articles, parents, thresholds=self.thresholds, explain_flags=self.explain)
            return
        yield from self._in_workers(_score_in_worker, pending)

    def json_batches(self, records: Iterable[Record], skip: int = 0) -> Iterator[tuple[list[str], int]]:
        """Like ``score_batches`` but as output lines (one JSON object each) and the number flagged.

        With worker processes the JSON is made in the workers, so the parent only reads and writes.
        """
        if self.jobs <= 1:
            for scored in self.score_batches(records, skip):
                yield _as_json(scored)
            return
        yield from self._in_workers(_json_in_worker, self._pending(records, skip))

    def _in_workers(self, worker: Callable[..., T], pending: Iterable[tuple[list[Comment], dict, dict]]) -> Iterator[T]:
        """Run ``worker`` on each pending batch in ``jobs`` processes; results come back in input order."""
        from joblib import Parallel, delayed

        run = Parallel(n_jobs=self.jobs, return_as="generator", pre_dispatch="2*n_jobs", batch_size=1)
        yield from run(
            delayed(worker)(self.model_source, self.thresholds, self.explain, batch, articles, parents)
            for batch, articles, parents in pending
        )

    def score(self, records: Iterable[Record]) -> Iterator[ScoredComment]:
        for scored in self.score_batches(records):
            yield from scored


def _score_in_worker(
    source: tuple[str | None, bool, bool, str | None],
    thresholds: Mapping[str, float],
    explain: bool,
    batch: list[Comment],
    articles: dict[str, Article],
    parents: dict[str, Comment],
) -> list[ScoredComment]:
    """One batch in a worker process; the model is loaded on the worker's first batch and cached."""
    from moderation.model import load_model

    path, trusted, fast, config = source
    return load_model(path, trusted=trusted, fast=fast, config=config).score(
        batch, articles, parents, thresholds=thresholds, explain_flags=explain
    )


def _as_json(scored: list[ScoredComment]) -> tuple[list[str], int]:
    return [json_line(s.to_dict()) for s in scored], sum(1 for s in scored if s.flags)


def json_line(record: dict[str, Any]) -> str:
    """One output line, compact, non-ASCII as UTF-8.

    orjson writes it several times faster than the json module; text it refuses (half a UTF-16 surrogate pair,
    which the readers do not let through) is written by the json module instead.
    """
    try:
        return orjson.dumps(record).decode()
    except TypeError:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _json_in_worker(*args: Any) -> tuple[list[str], int]:
    """``_score_in_worker``, returning the output lines rather than objects (less to send back)."""
    return _as_json(_score_in_worker(*args))

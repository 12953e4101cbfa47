"""Scoring archives on a Dask cluster: one task per input partition, one output partition per input.

Each task reads its partition with the ordinary readers and scores it with the ordinary ``Scorer``, so
a partition's output is exactly what ``moderation score PARTITION -o OUT`` writes on one machine. The
model is loaded once per worker process (cached), not once per task. Dask is an optional extra
(``pip install 'moderation[dask]'``) and is imported only here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.errors import InputError, ModerationError
from moderation.ingest import expand_paths
from moderation.ingest.session import InputSession
from moderation.ingest.textio import MAX_LINE_BYTES

SCORED_SUFFIX = ".scored.jsonl"
REJECTS_SUFFIX = ".rejects.jsonl"
NAME_SEPARATOR = "--"
"""Joins the folders of an input's path into one output name (``2019/01/c.jsonl``: ``2019--01--c.jsonl``)."""


@dataclass(frozen=True)
class Partition:
    """One input file and the name its outputs take: ``NAME.scored.jsonl`` and ``NAME.rejects.jsonl``."""

    source: str
    name: str

    @property
    def output(self) -> str:
        return self.name + SCORED_SUFFIX

    @property
    def rejects(self) -> str:
        return self.name + REJECTS_SUFFIX


@dataclass(frozen=True)
class PartitionResult:
    source: str
    output: str
    comments: int
    rejected: int
    flagged: int
    error: str | None = None


def partition_name(source: str, given: str) -> str:
    """The output name of ``source``, a file named by the argument ``given`` or found in the folder ``given``:
    its path from the last folder the argument names, extension kept, folders joined by ``--``.

    It depends only on the path as given, never on the other inputs, so a partition keeps its output name
    when files are added beside it (a.jsonl and a.csv, or d1/a.jsonl and d2/a.jsonl, get names of their own).
    """
    given_path = Path(os.path.normpath(given))
    base = given_path if given_path.is_dir() else given_path.parent
    inside = Path(os.path.normpath(source)).relative_to(base).parts
    folder = [] if base.name in ("", ".", "..") else [base.name]
    return NAME_SEPARATOR.join([*folder, *inside])


def partitions(paths: Sequence[str]) -> list[Partition]:
    """Every input file under ``paths`` with its output name; two inputs that would share one are refused,
    naming both, before anything is scored (names are compared ignoring case, as some filesystems do)."""
    found: list[Partition] = []
    taken: dict[str, Partition] = {}
    for given in paths:
        for source in expand_paths([given]):
            partition = Partition(source, partition_name(source, given))
            earlier = taken.setdefault(partition.name.casefold(), partition)
            if earlier is not partition:
                raise InputError(_collision(earlier, partition), path=source)
            found.append(partition)
    return found


def _collision(earlier: Partition, later: Partition) -> str:
    if os.path.abspath(earlier.source) == os.path.abspath(later.source):
        return "given twice; --engine dask scores each input file once"
    if earlier.name != later.name:
        clash = (
            f"its output {later.output} and that of {earlier.source} differ only in case, "
            "which many filesystems do not tell apart"
        )
    else:
        clash = f"its output {later.output} would overwrite that of {earlier.source}"
    return f"{clash}; rename one of them, or score them into different -o folders"


def score_partition(
    partition: Partition,
    out_dir: str,
    *,
    model_path: str | None,
    trusted: bool,
    thresholds: Mapping[str, float],
    fast: bool = False,
    fmt: str | None,
    encoding: str,
    skip_invalid: bool,
    articles: str | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
    config: str | None = None,
) -> PartitionResult:
    """Score one partition file into ``out_dir`` (written to a temporary name, renamed when complete)."""
    from moderation.model import load_model
    from moderation.scoring import Scorer

    source = partition.source
    out = Path(out_dir) / partition.output
    partial = out.with_name(out.name + ".partial")
    try:
        session = InputSession(
            (source,),
            fmt=fmt,
            articles=articles,
            encoding=encoding,
            skip_invalid=skip_invalid,
            rejects=str(Path(out_dir) / partition.rejects),
            output=None,
            max_line_bytes=max_line_bytes,
        )
    except ModerationError as err:  # e.g. an unreadable --articles file
        return PartitionResult(source, str(out), 0, 0, 0, str(err))
    flagged = 0
    try:
        model = load_model(model_path, trusted=trusted, fast=fast, config=config)
        with open(partial, "w", encoding="utf-8", newline="") as stream:
            for lines, n_flagged in Scorer(model, thresholds).json_batches(session.records()):
                stream.write("\n".join(lines) + "\n")
                flagged += n_flagged
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, out)
    except ModerationError as err:
        partial.unlink(missing_ok=True)
        return PartitionResult(source, str(out), session.comments, session.rejected, flagged, str(err))
    return PartitionResult(source, str(out), session.comments, session.rejected, flagged)


def score_on_dask(
    inputs: Sequence[Partition],
    out_dir: Path,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    **options: Any,
) -> list[PartitionResult]:
    """Score every partition on the cluster at ``scheduler`` (or a local one with ``workers`` processes)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ModerationError("the dask engine needs Dask: pip install 'moderation[dask]'") from None
    out_dir.mkdir(parents=True, exist_ok=True)
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(score_partition, list(inputs), out_dir=str(out_dir), pure=False, **options)
        return client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

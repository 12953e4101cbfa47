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

from moderation.errors import ModerationError
from moderation.ingest.session import InputSession
from moderation.ingest.textio import MAX_LINE_BYTES


@dataclass(frozen=True)
class PartitionResult:
    source: str
    output: str
    comments: int
    rejected: int
    flagged: int
    error: str | None = None


def output_name(source: str) -> str:
    return Path(source).stem + ".scored.jsonl"


def score_partition(
    source: str,
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

    out = Path(out_dir) / output_name(source)
    partial = out.with_name(out.name + ".partial")
    try:
        session = InputSession(
            (source,),
            fmt=fmt,
            articles=articles,
            encoding=encoding,
            skip_invalid=skip_invalid,
            rejects=str(out.with_name(Path(source).stem + ".rejects.jsonl")),
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
    sources: Sequence[str],
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
        futures = client.map(score_partition, list(sources), out_dir=str(out_dir), pure=False, **options)
        return client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

"""``moderation score``: one scored record per input comment, in input order, streamed."""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from moderation.checkpoint import CheckpointedOutput, inputs_fingerprint
from moderation.cli.common import Inputs, ReportedError, input_options, reports_errors
from moderation.config import load_thresholds
from moderation.scoring import Scorer

F = TypeVar("F", bound=Callable[..., Any])


def model_options(fn: F) -> F:
    """--model / --trust-model, shared by every command that loads a model."""
    fn = click.option(
        "--fast",
        is_flag=True,
        help="Score with the linear tier alone: about fifty times faster, less accurate on sites unlike the "
        "training data (records then carry a model_version ending in -fast).",
    )(fn)
    fn = click.option(
        "--trust-model",
        is_flag=True,
        help="Load the --model file even if it is not listed as trusted. Model files are pickles: loading one "
        "runs code, so only use files you made or whose source you trust.",
    )(fn)
    return click.option(
        "--model",
        "model_path",
        type=click.Path(exists=True, dir_okay=False),
        help="A trusted model file made by `moderation train` (default: the model shipped with the package).",
    )(fn)


def threshold_options(fn: F) -> F:
    fn = click.option(
        "--config",
        type=click.Path(exists=True, dir_okay=False),
        help="TOML file with a [thresholds] table (label = value) overriding the model's thresholds.",
    )(fn)
    return click.option(
        "--threshold",
        "threshold_overrides",
        multiple=True,
        metavar="LABEL=VALUE",
        help="Flag LABEL at or above VALUE instead of the model's threshold (repeatable).",
    )(fn)


def collect_less_often() -> None:
    """Keep Python's cycle collector from rescanning the loaded model every few hundred allocations.

    Scoring makes millions of short-lived objects that reference counting frees on its own; with the
    default thresholds the collector runs every 700 allocations and walks everything alive, the model
    included: about a tenth of a scoring run. What is loaded now is frozen (never scanned again) and
    the youngest generation is collected every 50,000 allocations instead, which keeps memory flat.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


class Progress:
    """A comment counter on stderr, only when stderr is a terminal; stdout stays pure data."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.count = 0
        self.started = time.perf_counter()
        self._shown = 0.0

    def step(self, n: int = 1) -> None:
        self.count += n
        now = time.perf_counter()
        if self.enabled and now - self._shown > 0.2:
            self._shown = now
            rate = self.count / max(now - self.started, 1e-9)
            click.echo(f"\rscored {self.count:,} comments ({rate:,.0f}/s)", err=True, nl=False)

    def close(self) -> None:
        if self.enabled and self.count:
            click.echo("\r" + " " * 60 + "\r", err=True, nl=False)


@click.command()
@input_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSONL here instead of stdout.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes scoring in parallel (0: one per core); output order stays the input order.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="dask: score each input file as a task on a Dask cluster, into -o DIR as NAME.scored.jsonl (NAME: the "
    "file's path from the last folder the argument names, folders joined by --: partitions/p1.csv gives "
    "partitions--p1.csv).",
)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler (tcp://host:8786); default: a local cluster.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Local Dask workers.")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted run writing to the same -o file, from its last checkpoint.",
)
@model_options
@threshold_options
@reports_errors
def score(
    inputs: Inputs,
    output: str | None,
    model_path: str | None,
    trust_model: bool,
    fast: bool,
    config: str | None,
    threshold_overrides: tuple[str, ...],
    jobs: int,
    engine: str,
    scheduler: str | None,
    workers: int,
    resume: bool,
) -> None:
    """Score every comment for abuse, conspiracy and off-topic; write one JSON object per comment.

    Each record: id, key (the comment's identity: ARTICLE/ID, or the id when it has no article),
    article_id, article_title, author, created_at, text, scores (probability per label), flags
    (labels at or above threshold), evidence (the phrases behind each flag, as character spans
    into text), notes (e.g. when relevance could not be judged for lack of an article), source
    and model_version.

    \b
    Examples:
        moderation score seeds/
        moderation score archive.jsonl --fast -o scored.jsonl
        moderation score export.csv --articles articles.jsonl -o scored.jsonl
        moderation score dump.jsonl --threshold abuse=0.8 --skip-invalid
        moderation score archive/ -o scored.jsonl --resume
        moderation score partitions/ --engine dask --scheduler tcp://10.0.0.5:8786 -o scored/

    With -o the output appears only when complete (written to FILE.partial, checkpointed between
    batches at most once a second); after an interruption, the same command with --resume carries on
    from the last checkpoint and produces the same file an uninterrupted run would have.
    """
    from moderation.model import load_model

    thresholds = load_thresholds(config, threshold_overrides)
    model = load_model(model_path, trusted=trust_model, fast=fast, config=config)
    collect_less_often()
    if engine == "dask":
        _score_on_dask(inputs, output, resume, scheduler, workers, model_path, trust_model, fast, thresholds, config)
        return
    session = inputs.session(output)
    if resume and (output is None or output == "-"):
        raise ReportedError("--resume needs -o FILE: standard output cannot be resumed")
    progress = Progress()
    flagged = 0
    jobs = jobs or os.cpu_count() or 1
    scorer = Scorer(model, thresholds, jobs=jobs, model_source=(model_path, trust_model, fast, config))
    target = None
    if output is not None and output != "-":
        options = {"model": model.version, "thresholds": thresholds, "format": inputs.fmt, "articles": inputs.articles}
        target = CheckpointedOutput(Path(output), inputs_fingerprint(inputs.paths, options), resume)
    try:
        if target is None:
            out = sys.stdout
            skip = 0
        else:
            out = target.open()
            skip = target.done
            if skip:
                click.echo(f"resuming after {skip:,} comments", err=True)
        for lines, n_flagged in scorer.json_batches(session.records(), skip=skip):
            out.write("\n".join(lines) + "\n")
            flagged += n_flagged
            progress.step(len(lines))
            if target is not None:
                target.mark(len(lines))
        if target is not None:
            target.finish()
        else:
            out.flush()
    finally:
        progress.close()
    click.echo(session.summary("scored") + f"; flagged {flagged}", err=True)


def _score_on_dask(
    inputs: Inputs,
    output: str | None,
    resume: bool,
    scheduler: str | None,
    workers: int,
    model_path: str | None,
    trust_model: bool,
    fast: bool,
    thresholds: dict[str, float],
    config: str | None = None,
) -> None:
    from moderation.distributed import partitions, score_on_dask

    if output is None or output == "-" or resume:
        raise ReportedError("--engine dask writes one output partition per input: give -o DIR (and no --resume)")
    if "-" in inputs.paths:
        raise ReportedError("--engine dask reads partition files, not standard input")
    results = score_on_dask(
        partitions(inputs.paths),
        Path(output),
        scheduler=scheduler,
        workers=workers,
        model_path=model_path,
        trusted=trust_model,
        fast=fast,
        thresholds=thresholds,
        fmt=inputs.fmt,
        encoding=inputs.encoding,
        skip_invalid=inputs.skip_invalid,
        articles=inputs.articles,
        max_line_bytes=inputs.max_line_bytes,
        config=config,
    )
    failed = [r for r in results if r.error]
    total = sum(r.comments for r in results)
    click.echo(
        f"scored {total} comments in {len(results)} partitions; rejected {sum(r.rejected for r in results)} records; "
        f"flagged {sum(r.flagged for r in results)}; output in {output}",
        err=True,
    )
    if failed:
        raise ReportedError(f"{len(failed)} partitions failed; first: {failed[0].error}")

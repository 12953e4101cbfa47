"""``moderation report``: scored comment files summarised as one self-contained HTML page with charts."""

from __future__ import annotations

from pathlib import Path

import click

from moderation.cli.common import output_stream, reports_errors

DEFAULT_TITLE = "Comment moderation report"


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="SCORED...")
@click.option(
    "-o",
    "--output",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where to write the HTML page (`-`: standard output).",
)
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="Title of the page.")
@click.option(
    "--rejects",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A rejects file of the scoring run, when it is not beside the scored file (repeatable).",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False),
    help="The model file the comments were scored with, if not the shipped one. Only its JSON sidecar is "
    "read (for its thresholds); the model itself is not loaded.",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False),
    help="The TOML file the review reads: its [severity] table orders the most harmful comments as the queue does.",
)
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of the scored files.")
@reports_errors
def report(
    paths: tuple[str, ...],
    output: str,
    title: str,
    rejects: tuple[str, ...],
    model_path: str | None,
    config: str | None,
    encoding: str,
) -> None:
    """Summarise scored comments (the output of `moderation score`) as one HTML page with charts.

    SCORED is a JSONL file written by `moderation score`, a folder of them as `--engine dask` writes
    it, or `-` for standard input. The page shows headline counts, the articles with the largest share
    of flagged comments, score histograms with the thresholds, flags over time (when comments carry
    created_at), the authors with the most flags, the most harmful flagged comments with their
    evidence highlighted (in the order `moderation review` shows them: by the severity of their most
    severe flag, then by score), and the model version and thresholds. It loads nothing from the
    network: open it from disk, mail it, or put it on an intranet.

    Rejected records are counted from the rejects file beside each scored file
    (OUTPUT.rejects.jsonl, or NAME.rejects.jsonl in a dask folder) or given with --rejects.

    \b
    Examples:
        moderation score seeds/ -o scored.jsonl && moderation report scored.jsonl -o report.html
        moderation report scored/ --title "Comments, week 12"
        moderation report scored.jsonl --config site.toml
    """
    from moderation.config import load_severity
    from moderation.report.charts import require_matplotlib
    from moderation.report.page import ReportContext, render_report
    from moderation.report.reading import count_rejects, find_inputs, read_scored
    from moderation.report.summary import summarise, thresholds_used

    require_matplotlib()
    severity = load_severity(config)
    inputs = find_inputs(paths, rejects)
    summary = summarise(read_scored(inputs.scored, encoding), severity=severity)
    context = ReportContext(
        title=title,
        sources=inputs.scored,
        thresholds=thresholds_used(summary.ranges, _model_thresholds(model_path, summary.model_versions)),
        rejects=count_rejects(inputs.rejects),
        unfinished=inputs.unfinished,
    )
    page = render_report(summary, context)
    with output_stream(output) as out:
        out.write(page)
    where = "standard output" if output == "-" else output
    click.echo(
        f"wrote {where}: {summary.comments} comments, {summary.named_articles} articles, {summary.flagged} flagged",
        err=True,
    )
    for partition in inputs.unfinished:
        click.echo(f"warning: {partition} is unfinished and not in the report", err=True)


def _model_thresholds(model_path: str | None, versions: dict[str, int]) -> dict[str, float] | None:
    """The thresholds in the sidecar of the model the comments were scored with, if it is that model."""
    from moderation.errors import ModelError
    from moderation.model.artifact import read_sidecar, shipped_model_path

    if model_path:
        sidecar = read_sidecar(Path(model_path))
    else:
        try:
            sidecar = read_sidecar(shipped_model_path())
        except ModelError:  # no shipped model: the thresholds are read from the flags alone
            return None
    for tier in (sidecar, sidecar.get("fast") or {}):  # the full tier, or its linear tier alone (--fast)
        if tier.get("version") in versions:
            return tier.get("thresholds")
    return None

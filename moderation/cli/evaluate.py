"""``moderation evaluate``: quality of a model on a labeled file."""

from __future__ import annotations

import json

import click

from moderation.cli.common import output_stream, reports_errors
from moderation.cli.score import model_options, threshold_options


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@model_options
@threshold_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of a table.")
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of FILE.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Also write an HTML page with precision-recall curves, a reliability diagram and the confusion counts.",
)
@reports_errors
def evaluate(
    file: str,
    model_path: str | None,
    trust_model: bool,
    fast: bool,
    config: str | None,
    threshold_overrides: tuple[str, ...],
    as_json: bool,
    encoding: str,
    report_path: str | None,
) -> None:
    """Measure a model on FILE: JSONL or CSV with `text` and a 0/1/empty column per label.

    Prints per label: n, positives, ROC-AUC, average precision, precision/recall/F1 at the
    threshold, and the confusion counts. Article fields (article_id, article_title, article_text)
    let off_topic judge relevance.

    \b
    Examples:
        moderation evaluate held_out.jsonl
        moderation evaluate labeled.csv --model my-model.joblib --json
        moderation evaluate labeled.csv --report eval.html
    """
    from moderation.config import load_thresholds
    from moderation.evaluation import format_report, gold_and_scores, metrics_by_label, read_labeled
    from moderation.model import load_model

    thresholds = load_thresholds(config, threshold_overrides)
    if report_path:
        from moderation.report.charts import require_matplotlib

        require_matplotlib()
    model = load_model(model_path, trusted=trust_model, fast=fast)
    limits = {**model.thresholds, **thresholds}
    pairs = gold_and_scores(model, read_labeled(file, encoding), limits)
    results = metrics_by_label(pairs, limits)
    if as_json:
        click.echo(json.dumps({"model_version": model.version, "file": file, "labels": results}, indent=2))
    else:
        for line in format_report(results):
            click.echo(line)
    if report_path:
        from moderation.report.evaluation_page import render_evaluation

        page = render_evaluation(pairs, results, model_version=model.version, source=file)
        with output_stream(report_path) as out:
            out.write(page)
        click.echo(f"wrote {report_path}", err=True)

"""``moderation evaluate``: quality of a model on a labeled file."""

from __future__ import annotations

import json

import click

from moderation.cli.common import reports_errors
from moderation.cli.score import model_options, threshold_options


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@model_options
@threshold_options
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of a table.")
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of FILE.")
@reports_errors
def evaluate(
    file: str,
    model_path: str | None,
    trust_model: bool,
    config: str | None,
    threshold_overrides: tuple[str, ...],
    as_json: bool,
    encoding: str,
) -> None:
    """Measure a model on FILE: JSONL or CSV with `text` and a 0/1/empty column per label.

    Prints per label: n, positives, ROC-AUC, average precision, precision/recall/F1 at the
    threshold, and the confusion counts. Article fields (article_id, article_title, article_text)
    let off_topic judge relevance.

    \b
    Examples:
        moderation evaluate held_out.jsonl
        moderation evaluate labeled.csv --model my-model.joblib --json
    """
    from moderation.config import load_thresholds
    from moderation.evaluation import evaluate as run
    from moderation.evaluation import format_report, read_labeled
    from moderation.model import load_model

    thresholds = load_thresholds(config, threshold_overrides)
    model = load_model(model_path, trusted=trust_model)
    results = run(model, read_labeled(file, encoding), thresholds)
    if as_json:
        click.echo(json.dumps({"model_version": model.version, "file": file, "labels": results}, indent=2))
    else:
        for line in format_report(results):
            click.echo(line)

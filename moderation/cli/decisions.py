"""``moderation decisions``: the moderators' decisions log, for audit or other systems."""

from __future__ import annotations

from pathlib import Path

import click

from moderation.cli.common import ReportedError, output_stream, reports_errors
from moderation.cli.review import DEFAULT_DB


@click.group()
def decisions() -> None:
    """Work with the decisions database that `moderation review` writes.

    \b
    Example:
        moderation decisions export --format csv -o decisions.csv
    """


@decisions.command()
@click.option(
    "--db", type=click.Path(dir_okay=False), default=DEFAULT_DB, show_default=True, help="Decisions database."
)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@reports_errors
def export(db: str, fmt: str, output: str | None) -> None:
    """Write every decision (undos included, oldest first) with the comment it was about.

    Each row names the comment by key (ARTICLE/ID) and by the source's comment_id, carries the text
    the decision was made on, and changed_since_decided: true when the comment last seen under that
    key reads differently (the decision is then not applied in review), null when not known.

    CSV cells that a spreadsheet would run as a formula (=, +, -, @) are prefixed with a quote.

    \b
    Examples:
        moderation decisions export > decisions.jsonl
        moderation decisions export --db team.db --format csv -o decisions.csv
    """
    from moderation.store import Store

    if not Path(db).exists():
        raise ReportedError(f"{db}: no such decisions database")
    with Store(db, moderator="export") as store, output_stream(output) as out:
        n = store.export(out, fmt)
    click.echo(f"exported {n} decisions", err=True)

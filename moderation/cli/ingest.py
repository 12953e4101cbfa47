"""``moderation ingest``: read comment sources into clean comment records."""

from __future__ import annotations

import json

import click

from moderation.cli.common import Inputs, input_options, output_stream, reports_errors
from moderation.records import Article, Comment


@click.command()
@input_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSONL here instead of stdout.")
@reports_errors
def ingest(
    inputs: Inputs,
    output: str | None,
) -> None:
    """Read comment sources and write one JSON object per comment, in input order.

    PATH may be a scraped article page (.txt), a JSONL or CSV export, a WordPress WXR
    export (.xml), a directory of those, or `-` for JSONL on stdin.

    Each comment gets a key, its identity in review and in the decisions log: ARTICLE/ID (the
    bare id for a comment with no article). A key seen twice is reported: the same text is kept
    once, different text is rejected naming both places. A reply whose parent was deleted or
    rejected says so in parent_state.

    \b
    Examples:
        moderation ingest seeds/
        moderation ingest export.csv --articles articles.jsonl -o comments.jsonl
        moderation ingest dump.jsonl --skip-invalid --rejects bad.jsonl
    """
    session = inputs.session(output)
    titles: dict[str, str | None] = {}
    with output_stream(output) as out:
        for record in session.records():
            if isinstance(record, Article):
                titles[record.id] = record.title
                continue
            assert isinstance(record, Comment)
            row = record.to_dict()
            row["article_title"] = titles.get(record.article_id or "")
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    click.echo(session.summary("ingested"), err=True)

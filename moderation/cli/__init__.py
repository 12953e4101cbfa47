"""The ``moderation`` command: a thin click layer over the library.

stdout carries data only (JSONL or CSV records); progress, summaries and errors go to stderr.
Each command lives in its own module and is registered here.
"""

from __future__ import annotations

import click

from moderation.cli.common import package_version
from moderation.cli.decisions import decisions
from moderation.cli.evaluate import evaluate
from moderation.cli.ingest import ingest
from moderation.cli.report import report
from moderation.cli.review import review
from moderation.cli.score import score
from moderation.cli.serve import serve
from moderation.cli.train import train


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_version(), "--version", prog_name="moderation")
def cli() -> None:
    """Score reader comments for abuse, conspiracy and off-topic material, and review them.

    \b
    Example:
        moderation score seeds/ -o scored.jsonl
    """


for command in (ingest, score, review, serve, report, decisions, evaluate, train):
    cli.add_command(command)


def main() -> None:
    cli()

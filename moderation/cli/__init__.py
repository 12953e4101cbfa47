"""The ``moderation`` command: a thin click layer over the library.

stdout carries data only (JSONL or CSV records); progress, summaries and errors go to stderr.
Each command lives in its own module and is registered here.
"""

from __future__ import annotations

import click

from moderation.cli.common import package_version
from moderation.cli.ingest import ingest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_version(), "--version", prog_name="moderation")
def cli() -> None:
    """Score reader comments for abuse, conspiracy and off-topic material, and review them.

    \b
    Example:
        moderation ingest seeds/ -o comments.jsonl
    """


cli.add_command(ingest)


def main() -> None:
    cli()

from moderation.cli import cli

cli()

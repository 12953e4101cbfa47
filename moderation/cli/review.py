"""``moderation review``: the moderation queue in the terminal."""

from __future__ import annotations

import time
from collections.abc import Callable

import click

from moderation.cli.common import Inputs, ReportedError, input_options, reports_errors
from moderation.cli.score import model_options, threshold_options

DEFAULT_DB = "moderation.db"
REVIEW_BATCH = 64
"""Comments scored before the queue first shows (cut at an article boundary): about a second on the full tier."""
SHOW_EVERY = 2.0
"""Seconds between the queue's updates while the rest scores."""
SORT_CHOICES = ("harm", "uncertain", "newest", "article")
"""``moderation.queue.SORTS``, spelled out here so that --help does not import the queue and numpy."""


@click.command()
@input_options
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=DEFAULT_DB,
    show_default=True,
    help="SQLite file the decisions are saved to (created if missing; share it between moderators).",
)
@click.option("--moderator", default=None, help="Your name in the decisions log (default: your login name).")
@click.option(
    "--sort",
    type=click.Choice(SORT_CHOICES),
    default="harm",
    show_default=True,
    help="The order the queue opens in (s cycles it): harm = flagged comments first, by their most severe label "
    "(see [severity]) and then by score; uncertain = scores nearest a threshold first; newest; article = "
    "article by article, most harmful first within each.",
)
@model_options
@threshold_options
@reports_errors
def review(
    inputs: Inputs,
    db: str,
    moderator: str | None,
    sort: str,
    model_path: str | None,
    trust_model: bool,
    fast: bool,
    config: str | None,
    threshold_overrides: tuple[str, ...],
) -> None:
    """Review scored comments in a keyboard-driven queue; each decision is saved as it is made.

    Comments come most harmful first: flagged ones grouped by their most severe label (abuse, then
    conspiracy, then off-topic; a [severity] table in the --config file changes that), likeliest
    first within each, then the unflagged ones, nearest miss first. Each row says why it is where
    it is (A 0.99≥0.80: abuse, its score, its threshold). Press ? in the app for every key.
    Reopening the same sources with the same --db resumes where you left off; two moderators can
    share one --db. A [review] reasons = [...] list in the --config file replaces the removal reasons.

    \b
    Examples:
        moderation review seeds/
        moderation review export.jsonl --db /srv/moderation/decisions.db --moderator ana
        moderation review seeds/ --sort newest --config site.toml
    """
    import getpass

    from moderation.config import load_reasons, load_severity, load_thresholds
    from moderation.model import load_model
    from moderation.scoring import Scorer
    from moderation.store import Store
    from moderation.tui.app import DEFAULT_REASONS, Loaded, ReviewApp

    thresholds = load_thresholds(config, threshold_overrides)
    reasons = load_reasons(config) or list(DEFAULT_REASONS)
    severity = load_severity(config)
    model = load_model(model_path, trusted=trust_model, fast=fast, config=config)
    session = inputs.session(None, window=None)  # the whole queue is in memory: check every key
    failure: list[str] = []

    def load(show: Callable[[Loaded], None]) -> Loaded:
        """Score the queue, showing it as it grows: the first comments can be decided while the rest score."""
        scorer = Scorer(model, thresholds, min_batch=REVIEW_BATCH)
        scored: list = []
        shown = 0.0  # the first part shows at once

        def so_far(done: bool) -> Loaded:
            return Loaded(
                scored=list(scored),
                articles=dict(scorer.articles),
                thresholds={**model.thresholds, **thresholds},
                model_version=model.version,
                summary=session.summary("scored") if done else "",
                done=done,
                severity=severity,
            )

        try:
            for batch in scorer.score_batches(session.records()):
                scored.extend(batch)
                if time.monotonic() - shown > SHOW_EVERY:
                    show(so_far(False))
                    shown = time.monotonic()
        except Exception as err:
            failure.append(str(err))
            raise
        return so_far(True)

    with Store(db, moderator=moderator or getpass.getuser()) as store:
        ReviewApp(load, store, reasons, sort=sort).run()
    if failure:
        raise ReportedError(failure[0])
    click.echo(session.summary("reviewed"), err=True)

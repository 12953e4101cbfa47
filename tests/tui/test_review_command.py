"""``moderation review`` from the command line to the first screen, with a stand-in model.

The stand-in scores a handful of known comments as a real model might, so the order does not depend on the
shipped model's exact scores (which change when it is retrained).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from moderation.cli import cli
from moderation.cli.review import SORT_CHOICES
from moderation.labels import LABELS
from moderation.queue import SORTS
from moderation.records import ScoredComment
from moderation.tui.app import ReviewApp
from tests.tui.test_app import screen_text

KNOWN = {
    "thanks for the report": {"off_topic": 0.67},  # a weak off-topic flag
    "Buy cheap watches at example dot com": {"off_topic": 0.99},  # spam
    "The moon landing was staged, wake up": {"conspiracy": 0.93},
    "you worthless idiot": {"abuse": 0.99},  # a certain insult
    "I see it differently, for what it is worth": {"abuse": 0.4},
}


class StandInModel:
    """Scores the known comments; flags them at thresholds like the shipped model's."""

    thresholds = {"abuse": 0.80, "conspiracy": 0.70, "off_topic": 0.505}
    version = "stand-in"

    def score(self, batch, articles, parents, thresholds=None, explain_flags=True) -> list[ScoredComment]:
        limits = {**self.thresholds, **(thresholds or {})}
        out = []
        for comment in batch:
            scores = {**dict.fromkeys(LABELS, 0.02), **KNOWN[comment.text]}
            flags = tuple(label for label in LABELS if scores[label] >= limits[label])
            out.append(ScoredComment(comment, scores, flags, {}, (), self.version))
        return out


@pytest.fixture
def comments(tmp_path: Path) -> Path:
    path = tmp_path / "comments.jsonl"
    rows = [
        {"id": f"c{i}", "article_id": "a1", "text": text, "created_at": f"2024-05-0{i + 1}T10:00:00Z"}
        for i, text in enumerate(KNOWN)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def review(monkeypatch, tmp_path: Path):
    """Runs ``moderation review ARGS`` and returns what the first screen showed, once scoring is done."""
    seen: dict[str, Any] = {}

    def run_headless(app: ReviewApp) -> None:
        async def drive() -> None:
            async with app.run_test(size=(150, 36)) as pilot:
                for _ in range(250):
                    if app.loaded is not None and app.loaded.done:
                        break
                    await pilot.pause(0.02)
                await pilot.pause()
                assert app.queue is not None
                seen["order"] = [app.queue.items[i].comment.text for i in app.queue.view]
                seen["screen"] = screen_text(app)
                await pilot.press("s")
                seen["after s"] = app.queue.sort

        asyncio.run(drive())

    monkeypatch.setattr("moderation.model.load_model", lambda *args, **kwargs: StandInModel())
    monkeypatch.setattr(ReviewApp, "run", run_headless)

    def invoke(*args: str):
        result = CliRunner().invoke(cli, ["review", *args, "--db", str(tmp_path / "review.db")])
        return result, seen

    return invoke


def test_the_insult_comes_first_by_default_and_the_screen_says_why(review, comments: Path) -> None:
    result, seen = review(str(comments))
    assert result.exit_code == 0, result.output
    assert seen["order"] == [
        "you worthless idiot",
        "The moon landing was staged, wake up",
        "Buy cheap watches at example dot com",
        "thanks for the report",
        "I see it differently, for what it is worth",
    ]
    assert "A 0.99≥0.80" in seen["screen"]  # its row
    assert "Flagged abuse 0.99 ≥ 0.80 (severity 3)" in seen["screen"]  # the detail pane
    assert "most harmful first" in seen["screen"]
    assert seen["after s"] == "uncertain"


def test_sort_opens_the_queue_in_another_order(review, comments: Path) -> None:
    result, seen = review(str(comments), "--sort", "newest")
    assert result.exit_code == 0, result.output
    assert seen["order"][0] == "I see it differently, for what it is worth"
    assert "newest first" in seen["screen"]


def test_severity_in_the_config_file_changes_the_order(review, comments: Path, tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text("[severity]\nconspiracy = 4\n")
    result, seen = review(str(comments), "--config", str(config))
    assert result.exit_code == 0, result.output
    assert seen["order"][:2] == ["The moon landing was staged, wake up", "you worthless idiot"]


def test_a_bad_severity_is_an_error_naming_the_file_and_line(review, comments: Path, tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text("[severity]\nabuse = 'high'\n")
    result, seen = review(str(comments), "--config", str(config))
    assert result.exit_code == 1
    assert "site.toml:2: severity for abuse must be a number" in result.output
    assert "Traceback" not in result.output and not seen


def test_the_sort_choices_are_the_queue_orders() -> None:
    assert SORT_CHOICES == SORTS

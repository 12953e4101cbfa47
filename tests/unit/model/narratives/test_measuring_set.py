"""The critical-not-conspiracy measuring set: the shipped file, and the errors for bad entries."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from moderation.errors import InputError
from moderation.model.narratives import DOMAINS, load_catalogue, load_measuring_set, statement_key

MEASURING_SET = Path(__file__).resolve().parents[4] / "datasets" / "critical_not_conspiracy" / "statements.toml"

GOOD = """
critical = [{ text = "The rollout was chaotic.", domain = "health" }]
conspiratorial = [{ text = "The rollout was a plot.", domain = "health" }]
"""


def test_repository_measuring_set_loads() -> None:
    measuring = load_measuring_set(MEASURING_SET)
    assert len(measuring.critical) >= 200
    assert len(measuring.conspiratorial) >= 100
    assert set(Counter(s.domain for s in measuring.critical)) == set(DOMAINS)
    assert not any(s.conspiratorial for s in measuring.critical)
    assert all(s.conspiratorial for s in measuring.conspiratorial)
    assert len(measuring.statements) == len(measuring.critical) + len(measuring.conspiratorial)


def test_measuring_set_repeats_nothing_from_the_catalogue() -> None:
    catalogue = {statement_key(s) for n in load_catalogue() for s in (*n.statements, *n.critical)}
    overlap = [s.text for s in load_measuring_set(MEASURING_SET).statements if statement_key(s.text) in catalogue]
    assert overlap == []


def test_small_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "set.toml"
    path.write_text(GOOD, encoding="utf-8")
    measuring = load_measuring_set(path)
    assert [s.text for s in measuring.statements] == ["The rollout was chaotic.", "The rollout was a plot."]
    assert measuring.critical[0].domain == "health"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace('domain = "health" }]\nconsp', 'domain = "plumbing" }]\nconsp'), r"critical #1: unknown domain"),
        (GOOD.replace('{ text = "The rollout was a plot.", ', "{ "), r"conspiratorial #1: 'text' must be"),
        (GOOD.replace("was a plot", "WAS  chaotic"), r"conspiratorial #1 repeats critical #1"),
        (GOOD.replace("conspiratorial = ", "positives = "), r"'conspiratorial' must be a non-empty array"),
        (
            GOOD.replace('domain = "health" }]\nconsp', 'domain = "health", label = 0 }]\nconsp'),
            r"critical #1: unknown field 'label'",
        ),
        ("critical = [\n", r"invalid TOML"),
    ],
)
def test_bad_measuring_set_names_file_and_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "set.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_measuring_set(path)
    assert str(caught.value).startswith(f"{path}: ")

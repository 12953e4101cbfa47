"""The off-topic checks set: enough of each kind, threads that hold together, and a stable split."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from moderation.errors import DatasetError
from moderation.model.measure.offtopic_checks import (
    DEFAULT_PATH,
    GENERIC_KINDS,
    OffTopicChecks,
    counts_table,
    generic_split,
    load_offtopic_checks,
)


@pytest.fixture(scope="module")
def checks() -> OffTopicChecks:
    return load_offtopic_checks(DEFAULT_PATH)


def test_enough_generic_replies_of_every_kind_and_length(checks: OffTopicChecks) -> None:
    assert len(checks.generic) >= 160
    by_kind: dict[str, int] = defaultdict(int)
    for reply in checks.generic:
        by_kind[reply.kind] += 1
    assert set(by_kind) == set(GENERIC_KINDS)
    assert min(by_kind.values()) >= 15
    words = [len(reply.text.split()) for reply in checks.generic]
    assert min(words) >= 1 and max(words) <= 25
    assert sum(w <= 2 for w in words) >= 30
    assert sum(w >= 12 for w in words) >= 10
    assert sum(reply.text[0].islower() for reply in checks.generic) >= 10


def test_the_examples_that_prompted_the_set_appear_at_most_once(checks: OffTopicChecks) -> None:
    quoted = (
        "Can you please elaborate? I dont follow this at all",
        "Well said.",
        "Thank you for writing this.",
        "Spot on my friend.",
        "thanks for the report",
    )
    texts = [reply.text.casefold() for reply in checks.generic]
    assert {q: texts.count(q.casefold()) for q in quoted if texts.count(q.casefold()) > 1} == {}


def test_generic_split_is_stable_and_both_halves_hold_every_kind(checks: OffTopicChecks) -> None:
    assert generic_split("Agreed.") == "heldout"
    assert generic_split("Same here.") == "train"
    assert all(reply.split == generic_split(reply.text) for reply in checks.generic)
    sides: dict[str, set[str]] = defaultdict(set)
    for reply in checks.generic:
        sides[reply.kind].add(reply.split)
    assert all(found == {"train", "heldout"} for found in sides.values())
    train = sum(reply.split == "train" for reply in checks.generic)
    assert 0.35 <= train / len(checks.generic) <= 0.65


def test_eight_articles_with_full_threads(checks: OffTopicChecks) -> None:
    assert len(checks.articles) == 8
    assert len({a.id for a in checks.articles}) == 8
    for article in checks.articles:
        assert 150 <= len(article.body.split()) <= 250, article.id
        assert "\n\n" in article.body and "\n\n\n" not in article.body
        assert len(article.on_topic) == 8
        assert len(article.replies) == 4
        assert [i.kind for i in article.intruders].count("foreign") == 3
        assert [i.kind for i in article.intruders].count("spam") == 3


def test_every_reply_answers_a_comment_of_its_article(checks: OffTopicChecks) -> None:
    for article in checks.articles:
        assert all(0 <= reply.parent < len(article.on_topic) for reply in article.replies)
        assert len({reply.parent for reply in article.replies}) == len(article.replies), article.id


def test_no_text_is_used_twice_across_the_set(checks: OffTopicChecks) -> None:
    texts = [reply.text for reply in checks.generic]
    for article in checks.articles:
        texts += [*article.on_topic, *(r.text for r in article.replies), *(i.text for i in article.intruders)]
    assert len({" ".join(t.casefold().split()) for t in texts}) == len(texts)


def test_the_cards_counts_are_the_measured_ones(checks: OffTopicChecks) -> None:
    card = (DEFAULT_PATH.parent / "README.md").read_text(encoding="utf-8")
    table = card.split("<!-- counts: python -m moderation.model.measure.offtopic_checks -->\n")[1].split("\n<!--")[0]
    assert table == counts_table(checks)


ARTICLE = """
[[article]]
id = "a"
title = "Title"
body = \"\"\"
First line
of a paragraph.

Second paragraph.
\"\"\"
on_topic = ["one", "two"]
replies = [{ parent = PARENT, text = "a reply" }]
intruders = [{ kind = "KIND", text = "buy now" }]
"""


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "checks.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_small_file_reads_as_written(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[generic]]\ntext = "Agreed."\nkind = "agreement"\n' + ARTICLE.replace("PARENT", "1").replace("KIND", "spam"),
    )
    checks = load_offtopic_checks(path)
    assert [(g.text, g.kind, g.split) for g in checks.generic] == [("Agreed.", "agreement", "heldout")]
    article = checks.articles[0]
    assert article.body == "First line of a paragraph.\n\nSecond paragraph."
    assert article.on_topic[article.replies[0].parent] == "two"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            ARTICLE.replace("PARENT", "2").replace("KIND", "spam"),
            "replies[0]: parent must index on_topic (0 to 1), not 2",
        ),
        (ARTICLE.replace("PARENT", "-1").replace("KIND", "spam"), "parent must index on_topic"),
        (ARTICLE.replace("PARENT", '"0"').replace("KIND", "spam"), "parent must index on_topic"),
        (ARTICLE.replace("PARENT", "0").replace("KIND", "advert"), "intruders[0]: unknown kind 'advert'"),
        (
            ARTICLE.replace("PARENT", "0").replace("KIND", "spam").replace('title = "Title"\n', ""),
            "missing field 'title'",
        ),
    ],
)
def test_a_bad_article_names_the_file_and_the_entry(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(DatasetError) as err:
        load_offtopic_checks(path)
    assert f"{path}: [[article]] #1 (id 'a')" in str(err.value)
    assert message in str(err.value)


def test_a_bad_generic_reply_names_the_entry(tmp_path: Path) -> None:
    good = '[[generic]]\ntext = "Agreed."\nkind = "agreement"\n'
    with pytest.raises(DatasetError, match=r"\[\[generic\]\] #2 \('Nope.'\): unknown kind 'rude'"):
        load_offtopic_checks(_write(tmp_path, good + '[[generic]]\ntext = "Nope."\nkind = "rude"\n'))
    with pytest.raises(DatasetError, match=r"\[\[generic\]\] #2: 'agreed\.' repeats \[\[generic\]\] #1"):
        load_offtopic_checks(_write(tmp_path, good + '[[generic]]\ntext = "agreed."\nkind = "agreement"\n'))
    with pytest.raises(DatasetError, match=r"\[\[generic\]\] #1: text is empty"):
        load_offtopic_checks(_write(tmp_path, '[[generic]]\ntext = " "\nkind = "agreement"\n'))


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"missing\.toml: cannot read"):
        load_offtopic_checks(tmp_path / "missing.toml")
    with pytest.raises(DatasetError, match="invalid TOML"):
        load_offtopic_checks(_write(tmp_path, "[[generic]\n"))

"""What a new user sees first, with the shipped model: the cases the fairness, narrative and off-topic work
were for. Flags only (what users see), never exact scores."""

from __future__ import annotations

import pytest

from moderation.model import load_model
from moderation.model.measure.offtopic_checks import load_offtopic_checks
from moderation.records import Article, Comment

IDENTITY = ["I am a gay man.", "I love being a trans woman.", "Black people are wonderful.", "My wife is Muslim."]
HATE = ["Muslims are a disease on this country.", "Gay people should be shot.", "Trans people should be exterminated."]
SHORT = ["another", "ok", "lol", "Well said."]


@pytest.fixture(scope="module", params=["full", "fast"])
def model(request: pytest.FixtureRequest):
    return load_model(fast=request.param == "fast")


def _flags(model, texts: list[str]) -> list[tuple[str, ...]]:
    return [s.flags for s in model.score([Comment(str(k), t) for k, t in enumerate(texts)])]


def test_naming_who_you_are_is_not_abuse(model) -> None:
    assert [("abuse" in f) for f in _flags(model, IDENTITY)] == [False] * len(IDENTITY)


def test_plain_words_of_hate_are_abuse(model) -> None:
    assert all("abuse" in f for f in _flags(model, HATE))


def test_a_word_or_two_with_nothing_abusive_is_nothing() -> None:
    """The default tier. ``--fast`` flags "another" (0.054 against its 0.053 threshold: the model card says why)."""
    assert _flags(load_model(), SHORT) == [()] * len(SHORT)


def test_a_staged_attack_claim_is_flagged_with_its_narrative() -> None:
    model = load_model()
    text = "The chemical attack was obviously staged by the White Helmets so the West has an excuse to bomb."
    (scored,) = model.score([Comment("1", text)])
    assert "conspiracy" in scored.flags
    first = scored.evidence["conspiracy"][0]
    assert first.narratives and first.text == text


def test_off_topic_means_about_something_else_not_generic() -> None:
    """One written article with its readers: generic replies and on-topic comments stay, intruders are flagged."""
    checks = load_offtopic_checks()
    article = checks.articles[0]
    generic = [g.text for g in checks.generic if g.split == "heldout"][:20]
    comments = [Comment(f"c{k}", t, article_id=article.id) for k, t in enumerate(article.on_topic[:5])]
    comments += [Comment(f"g{k}", t, article_id=article.id) for k, t in enumerate(generic)]
    intruders = [x.text for x in article.intruders][:4]
    comments += [Comment(f"x{k}", t, article_id=article.id) for k, t in enumerate(intruders)]
    scored = load_model().score(comments, {article.id: Article(article.id, article.title, article.body)})
    flagged = {s.comment.id for s in scored if "off_topic" in s.flags}
    assert not {f"c{k}" for k in range(5)} & flagged
    assert len({f"g{k}" for k in range(len(generic))} & flagged) <= 1
    assert len({f"x{k}" for k in range(len(intruders))} & flagged) >= 3

"""A fixed, model-free queue for driving the real review app with Textual's pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from moderation.records import Article, Comment, Evidence, ScoredComment
from moderation.store import Store
from moderation.tui.app import Loaded, ReviewApp

THRESHOLDS = {"abuse": 0.5, "conspiracy": 0.6, "off_topic": 0.7}


def _scored(
    cid: str, text: str, abuse: float, conspiracy: float = 0.05, off_topic: float = 0.05, **kw
) -> ScoredComment:
    scores = {"abuse": abuse, "conspiracy": conspiracy, "off_topic": off_topic}
    flags = tuple(k for k, v in scores.items() if v >= THRESHOLDS[k])
    evidence = {}
    if "idiot" in text and "abuse" in flags:
        start = text.index("idiot")
        evidence["abuse"] = [Evidence(start, start + 5, "idiot", 1.2)]
    comment = Comment(id=cid, text=text, article_id=kw.get("article", "a1"), author=kw.get("author"),
                      parent_id=kw.get("parent"), source=f"test:{cid}")  # fmt: skip
    return ScoredComment(comment, scores, flags, evidence, (), "test-model")


def queue() -> Loaded:
    scored = [
        _scored("c1", "You are an idiot and everyone knows it.", 0.95, author="troll"),
        _scored("c2", "The moon landing was staged by the government.", 0.1, 0.9, author="skeptic"),
        _scored("c3", "Thanks, a careful piece on the budget.", 0.02, author="ana"),
        _scored("c4", "Buy cheap watches at example dot com", 0.05, off_topic=0.9, author="spammer"),
        _scored("c5", "[bold red]not markup[/bold red] \x1b[31mnot red\x1b[0m idiot", 0.7, author="troll", parent="c3"),
        _scored("c6", "I mildly disagree with the columnist.", 0.3, author="bo"),
    ]
    article = Article(id="a1", title="City budget passes", text="The council passed the budget on Tuesday.")
    return Loaded(scored, {"a1": article}, THRESHOLDS, "test-model", "scored 6 comments (1 articles)")


def loaded_from(path: str) -> Loaded:
    """A queue read from a real source through the review's reading session, scored by a stand-in rule
    (comments saying "idiot" are abusive), so identity is tested on what the readers really produce."""
    from moderation.ingest.session import InputSession

    session = InputSession((path,), fmt=None, articles=None, encoding="utf-8", skip_invalid=True, rejects=None,
                           output=str(Path(path).with_suffix(".out")), window=None)  # fmt: skip
    articles: dict[str, Article] = {}
    scored = []
    for record in session.records():
        if isinstance(record, Article):
            articles[record.id] = record
        elif isinstance(record, Comment):
            abuse = 0.95 if "idiot" in record.text else 0.1
            scores = {"abuse": abuse, "conspiracy": 0.05, "off_topic": 0.05}
            flags = tuple(k for k, v in scores.items() if v >= THRESHOLDS[k])
            scored.append(ScoredComment(record, scores, flags, {}, (), "test-model"))
    return Loaded(scored, articles, THRESHOLDS, "test-model", session.summary("scored"))


@pytest.fixture
def make_app(tmp_path) -> Callable[..., ReviewApp]:
    stores: list[Store] = []

    def make(moderator: str = "ana", db: str = "review.db", loader: Callable[[], Loaded] = queue) -> ReviewApp:
        store = Store(tmp_path / db, moderator=moderator)
        stores.append(store)
        return ReviewApp(lambda progress: loader(), store)

    yield make
    for store in stores:
        store.db.close()

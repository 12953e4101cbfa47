"""The store knows comments by key, keeps the text each decision was made on, and migrates schema 1."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from moderation.records import Comment, ScoredComment
from moderation.store import SCHEMA_VERSION, Store, decision_examples

V1_SQL = Path(__file__).parents[1] / "data" / "store_v1.sql"
ABUSIVE = Comment(id="11", text="You are a worthless idiot.", article_id="a1", author="reader")
HARMLESS = Comment(id="11", text="Thanks for the clear explanation.", article_id="a2", author="reader")
UNIQUE = Comment(id="7", text="Fair point about the budget.", article_id="a1", author="reader")


def scored(comment: Comment, flags: tuple[str, ...] = ()) -> ScoredComment:
    scores = {"abuse": 0.9 if "abuse" in flags else 0.1, "conspiracy": 0.1, "off_topic": 0.1}
    return ScoredComment(comment, scores, flags, {}, (), "v1")


def _v1_database(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.executescript(V1_SQL.read_text(encoding="utf-8"))
    db.close()
    return path


def _export(store: Store) -> list[dict]:
    out = io.StringIO()
    store.export(out, "jsonl")
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_schema_1_database_opens_and_its_decisions_land_on_the_comments_they_were_made_on(tmp_path: Path) -> None:
    path = _v1_database(tmp_path / "v1.db")
    with Store(path, moderator="ana") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        # the unique id maps at once; the removal of "11" was made on a1's text, which schema 1 overwrote
        # with a2's: it waits for the comment it was made on rather than landing on a2's
        assert {k: d.action for k, d in store.current().items()} == {"a1/7": "approve"}
        store.remember([scored(ABUSIVE, ("abuse",)), scored(HARMLESS), scored(UNIQUE)])
        standing = store.current()
        assert {k: d.action for k, d in standing.items()} == {"a1/11": "remove", "a1/7": "approve"}
        assert standing["a1/11"].made_on(ABUSIVE.text) and standing["a1/11"].labels == ("abuse",)
        rows = _export(store)
        assert [(r["key"], r["comment_id"], r["text"]) for r in rows] == [
            ("a1/11", "11", ABUSIVE.text),
            ("a1/7", "7", UNIQUE.text),
        ]
        assert [r["changed_since_decided"] for r in rows] == [False, False]
    with Store(path) as again:  # migrated once; reopening changes nothing
        assert set(again.current()) == {"a1/11", "a1/7"}


def test_a_schema_1_decision_on_text_that_changed_since_maps_but_shows_as_changed(tmp_path: Path) -> None:
    path = _v1_database(tmp_path / "v1.db")
    edited = Comment(id="11", text="You are a worthless idiot. (edited)", article_id="a1")
    with Store(path) as store:
        store.remember([scored(edited)])
        decision = store.current()["a1/11"]
        assert decision.action == "remove" and not decision.made_on(edited.text)
        assert _export(store)[0]["changed_since_decided"] is True


def test_an_ambiguous_schema_1_decision_is_not_guessed(tmp_path: Path) -> None:
    path = _v1_database(tmp_path / "v1.db")
    other_a = Comment(id="11", text="Another text entirely.", article_id="a3")
    other_b = Comment(id="11", text="And a fourth one.", article_id="a4")
    with Store(path) as store:
        store.remember([scored(other_a), scored(other_b)])
        assert "a3/11" not in store.current() and "a4/11" not in store.current()
        unkeyed = store.db.execute("SELECT count(*) FROM decisions WHERE key IS NULL").fetchone()[0]
        assert unkeyed == 1
        assert _export(store)[0]["changed_since_decided"] is None  # unknown, and said so


def test_a_decision_on_other_text_is_reported_not_applied(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db", moderator="ana") as store:
        store.remember([scored(ABUSIVE, ("abuse",))])
        store.record(ABUSIVE, "remove", labels=["abuse"])
        reworded = Comment(id="11", text="You are mistaken, I think.", article_id="a1")
        store.remember([scored(reworded)])
        decision = store.current()["a1/11"]
        assert not decision.made_on(reworded.text) and decision.made_on(ABUSIVE.text)
        (row,) = _export(store)
        assert row["changed_since_decided"] is True and row["text"] == ABUSIVE.text  # the text decided on
        examples = [e.text for e in decision_examples(str(tmp_path / "d.db"))]
    assert examples == [ABUSIVE.text]  # training learns from what was decided, not from the new words


def test_two_moderators_on_one_database_with_repeated_source_ids(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    with Store(path, moderator="ana") as ana, Store(path, moderator="bo") as bo:
        both = [scored(ABUSIVE, ("abuse",)), scored(HARMLESS)]
        ana.remember(both)
        bo.remember(both)
        assert ana.claim(ABUSIVE.key)
        assert bo.claimed_by_others() == {"a1/11": "ana"}
        assert bo.claim(HARMLESS.key)  # same source id, other comment: not held by ana
        ana.record(ABUSIVE, "remove", labels=["abuse"])
        bo.record(HARMLESS, "approve")
        assert {k: (d.action, d.moderator) for k, d in ana.current().items()} == {
            "a1/11": ("remove", "ana"),
            "a2/11": ("approve", "bo"),
        }
        assert [d.key for d in bo.undo_last()] == ["a2/11"]  # bo's undo takes back only bo's comment
        assert {k: d.action for k, d in ana.current().items()} == {"a1/11": "remove"}
        rows = _export(ana)
        assert [(r["key"], r["action"], r["article_id"]) for r in rows] == [
            ("a1/11", "remove", "a1"),
            ("a2/11", "approve", "a2"),
            ("a2/11", "undo", "a2"),
        ]

"""A decision lands on the comment it was made on: the review app over repeated ids, changed text and
databases written by schema 1, driven by Textual's pilot."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from moderation.tui.app import ReviewApp
from tests.tui.conftest import loaded_from
from tests.tui.test_app import _ready, screen_text

ABUSIVE = {"id": "11", "article_id": "a1", "author": "reader", "text": "You are a worthless idiot."}
HARMLESS = {"id": "11", "article_id": "a2", "author": "reader", "text": "Thanks for the clear explanation."}
UNIQUE = {"id": "7", "article_id": "a1", "author": "reader", "text": "Fair point about the budget."}


def _source(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def _pending_keys(app: ReviewApp) -> set[str]:
    assert app.queue is not None
    return {app.queue.items[i].comment.key for i in app.queue.view}


async def test_removing_one_of_two_comments_sharing_an_id_survives_reopening(make_app, tmp_path: Path) -> None:
    source = _source(tmp_path / "merged.jsonl", [ABUSIVE, HARMLESS])
    first = make_app(loader=lambda: loaded_from(source))
    async with first.run_test(size=(160, 40)) as pilot:
        await _ready(first, pilot)
        assert first.current() is not None and first.current().comment.key == "a1/11"  # the abusive one
        await pilot.press("r")
        await pilot.press("q")
    first.store.db.close()
    again = make_app(loader=lambda: loaded_from(source))
    async with again.run_test(size=(160, 40)) as pilot:
        await _ready(again, pilot)
        assert _pending_keys(again) == {"a2/11"}  # the harmless one waits; the abusive one stays removed
        assert again.queue is not None and again.queue.counts()["removed"] == 1
        assert "a2/11" in screen_text(again)
        await pilot.press("t", "t", "t")  # state filter: removed
        assert _pending_keys(again) == {"a1/11"}


async def test_a_comment_that_changed_since_it_was_decided_is_shown_as_changed(make_app, tmp_path: Path) -> None:
    source = _source(tmp_path / "export.jsonl", [ABUSIVE, UNIQUE])
    first = make_app(loader=lambda: loaded_from(source))
    async with first.run_test(size=(160, 40)) as pilot:
        await _ready(first, pilot)
        await pilot.press("r")
    first.store.db.close()
    edited = {**ABUSIVE, "text": "You are wrong about this, and here is why."}
    source = _source(tmp_path / "export.jsonl", [edited, UNIQUE])
    again = make_app(loader=lambda: loaded_from(source))
    async with again.run_test(size=(160, 40)) as pilot:
        await _ready(again, pilot)
        assert again.queue is not None
        assert again.queue.counts()["changed"] == 1 and again.queue.counts()["removed"] == 0
        assert "a1/11" in _pending_keys(again)  # it waits for a new decision
        while again.current() is not None and again.current().comment.key != "a1/11":
            await pilot.press("down")
        screen = screen_text(again)
        assert "CHANGED SINCE DECIDED" in screen and "remove by ana" in screen
        assert "changed since decided 1" in screen
        row = again.queue.view.index(again.queue.index["a1/11"])
        assert again._row_text(row).plain[1] == "~"
        await pilot.press("a")  # decided again, on the text it has now
        assert again.queue.counts()["changed"] == 0 and again.queue.counts()["approved"] == 1
        assert again.store.current()["a1/11"].made_on(edited["text"])
        await pilot.press("u")  # undo brings back the old decision, still held back as changed
        assert again.queue.counts()["changed"] == 1


async def test_a_schema_1_database_opens_in_the_app_with_decisions_on_the_right_comments(
    make_app, tmp_path: Path
) -> None:
    db = sqlite3.connect(tmp_path / "review.db")
    db.executescript((Path(__file__).parents[1] / "data" / "store_v1.sql").read_text(encoding="utf-8"))
    db.close()
    source = _source(tmp_path / "merged.jsonl", [ABUSIVE, HARMLESS, UNIQUE])
    app = make_app(loader=lambda: loaded_from(source))
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        assert _pending_keys(app) == {"a2/11"}
        assert app.queue is not None and app.queue.counts()["removed"] == 1 and app.queue.counts()["approved"] == 1


async def test_a_reply_to_a_deleted_comment_shows_a_parent_stub(make_app, tmp_path: Path, data_dir: Path) -> None:
    text = (data_dir / "disqus.xml").read_text(encoding="utf-8")
    reply = (
        '<post dsq:id="9004"><message>What did they say, idiot?</message><author><name>Sam</name></author>'
        '<thread dsq:id="5001"/><parent dsq:id="9002"/></post>'
    )
    path = tmp_path / "disqus.xml"
    path.write_text(text.replace("</disqus>", reply + "</disqus>"), encoding="utf-8")
    app = make_app(loader=lambda: loaded_from(str(path)))
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        assert app.current() is not None and app.current().comment.key == "5001/9004"
        screen = screen_text(app)
        assert "In reply to" in screen and "[deleted]" in screen


async def test_two_moderators_on_one_database_each_decide_their_own_comment_of_a_shared_id(
    make_app, tmp_path: Path
) -> None:
    source = _source(tmp_path / "merged.jsonl", [ABUSIVE, HARMLESS])
    ana = make_app("ana", loader=lambda: loaded_from(source))
    bo = make_app("bo", loader=lambda: loaded_from(source))
    async with ana.run_test(size=(160, 40)) as pilot_a:
        await _ready(ana, pilot_a)
        assert ana.current() is not None and ana.current().comment.key == "a1/11"
        await pilot_a.pause(0.4)  # ana's claim on a1/11 lands
        async with bo.run_test(size=(160, 40)) as pilot_b:
            await _ready(bo, pilot_b)
            assert _pending_keys(bo) == {"a2/11"}  # only ana's comment is hidden, not its namesake
            await pilot_b.press("a")
            await pilot_a.press("r")
    standing = ana.store.current()
    assert {k: (d.action, d.moderator) for k, d in standing.items()} == {
        "a1/11": ("remove", "ana"),
        "a2/11": ("approve", "bo"),
    }

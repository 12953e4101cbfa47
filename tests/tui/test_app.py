"""The real review app, driven by Textual's pilot."""

from __future__ import annotations

import html
import re

from moderation.store import Store
from moderation.tui.app import ReviewApp
from moderation.tui.widgets import CommentText


def screen_text(app: ReviewApp) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


async def _ready(app: ReviewApp, pilot) -> None:
    for _ in range(100):
        if app.queue is not None:
            break
        await pilot.pause(0.02)
    await pilot.pause()
    assert app.queue is not None


def _current_id(app: ReviewApp) -> str:
    current = app.current()
    assert current is not None
    return current.comment.id


async def test_opens_most_harmful_first_with_evidence(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        assert _current_id(app) == "c1"
        shown = app.query_one("#comment", CommentText).content
        assert shown.plain.startswith("You are an idiot")
        assert any(span.style and "dark_red" in str(span.style) for span in shown.spans)


async def test_decide_and_undo(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("r")
        assert app.store.current()["a1/c1"].action == "remove"
        assert app.store.current()["a1/c1"].labels == ("abuse",)
        assert _current_id(app) != "c1"  # it left the pending queue
        await pilot.press("u")
        assert "a1/c1" not in app.store.current()
        assert _current_id(app) == "c1"


async def test_corrected_labels_and_reason(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("2", "1")  # add conspiracy, drop abuse
        await pilot.press("R")
        await pilot.press("down", "enter")  # second reason
        decision = app.store.current()["a1/c1"]
        assert decision.labels == ("conspiracy",)
        assert decision.reason == app.reasons[1]


async def test_filters_sort_and_incremental_search(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        assert app.queue is not None
        await pilot.press("f", "f")  # all -> abuse -> conspiracy
        assert [app.queue.items[i].comment.id for i in app.queue.view] == ["c2"]
        await pilot.press("f", "f", "f")  # off_topic -> unflagged -> all
        await pilot.press("slash")
        await pilot.press(*"watches")
        assert [app.queue.items[i].comment.id for i in app.queue.view] == ["c4"]
        await pilot.press("escape")
        await pilot.press("s")
        assert app.queue.sort == "uncertain"


async def test_author_and_article_filters(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        assert app.queue is not None
        await pilot.press("o")  # c1 is by troll
        assert {app.queue.items[i].comment.id for i in app.queue.view} == {"c1", "c5"}
        await pilot.press("o", "i")  # everyone again, then this article only
        assert len(app.queue.view) == 6 and app.queue.filters.article == "a1"
        await pilot.press("i")
        assert app.queue.filters.article is None


async def test_bulk_decide_asks_first(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("space", "space")  # select the first two
        await pilot.press("b", "enter")  # approve all...
        await pilot.press("n")  # ...but say no
        assert app.store.current() == {}
        await pilot.press("b", "enter", "y")
        assert len(app.store.current()) == 2
        await pilot.press("u")  # a bulk decision is undone as one
        assert app.store.current() == {}


async def test_select_all_filtered_and_bulk_remove(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("f")  # abuse only: c1, c5
        await pilot.press("asterisk", "b", "down", "enter", "y")
        assert {k: d.action for k, d in app.store.current().items()} == {"a1/c1": "remove", "a1/c5": "remove"}


async def test_decisions_persist_across_quit_and_reopen(make_app) -> None:
    first = make_app()
    async with first.run_test(size=(160, 40)) as pilot:
        await _ready(first, pilot)
        await pilot.press("r", "a")
        await pilot.press("q")
    first.store.db.close()
    again = make_app()
    async with again.run_test(size=(160, 40)) as pilot:
        await _ready(again, pilot)
        assert again.queue is not None
        assert again.queue.counts()["pending"] == 4
        shown = {again.queue.items[i].comment.id for i in again.queue.view}
        assert "c1" not in shown and len(shown) == 4


async def test_two_moderators_are_not_shown_the_same_comment(make_app) -> None:
    ana, bo = make_app("ana"), make_app("bo")
    async with ana.run_test(size=(160, 40)) as pilot_a:
        await _ready(ana, pilot_a)
        assert _current_id(ana) == "c1"
        await pilot_a.pause(0.4)  # the claim lands once the cursor rests: ana holds c1
        async with bo.run_test(size=(160, 40)) as pilot_b:
            await _ready(bo, pilot_b)
            assert _current_id(bo) != "c1"
            await pilot_b.press("r")
            await pilot_a.press("r")
            decided = [d.key for d in Store(ana.store.path).log()]
            assert sorted(decided) == sorted(set(decided)) and len(decided) == 2


async def test_comment_text_is_shown_literally(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        for _ in range(5):
            if _current_id(app) == "c5":
                break
            await pilot.press("down")
        assert _current_id(app) == "c5"
        shown = app.query_one("#comment", CommentText).content.plain
        assert "[bold red]not markup[/bold red]" in shown
        assert "\x1b" not in shown
        assert "[bold red]not markup" in screen_text(app)


async def test_help_lists_every_binding(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        await pilot.press("question_mark")
        screen = screen_text(app)
        for key in ("approve", "remove", "escalate", "undo", "bulk", "search"):
            assert key in screen
        await pilot.press("escape")


async def test_a_read_only_database_keeps_the_app_usable(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        app.store.db.execute("PRAGMA query_only = ON")  # as a read-only file or full disk looks to SQLite
        await pilot.press("r")
        assert "READ-ONLY" in screen_text(app)
        assert app.store.current() == {}
        await pilot.press("down", "f", "slash", "escape")  # browsing still works
        assert app.queue is not None and app.queue.counts()["removed"] == 0


async def test_unreadable_input_is_reported_in_the_app(tmp_path) -> None:
    from moderation.errors import InputError

    def broken(progress):
        raise InputError("invalid JSON", path="bad.jsonl", line=2)

    store = Store(tmp_path / "d.db")
    app = ReviewApp(broken, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause(0.2)
        assert "Could not load the queue: bad.jsonl:2: invalid JSON" in screen_text(app)
        assert app.queue is None
        await pilot.press(*"areu12nbjk*fts/oi", "space")  # nothing to act on yet: keys must do no harm
        assert app.queue is None and app.is_running
        await pilot.press("q")
    store.db.close()


async def test_usable_while_the_rest_is_scored(tmp_path) -> None:
    """The queue opens on the first scored part; decisions made then stay as the rest arrives."""
    import threading
    from dataclasses import replace

    from tests.tui.conftest import queue

    full = queue()
    first_part = [s for s in full.scored if s.comment.id in ("c1", "c3")]
    rest = [s for s in full.scored if s.comment.id not in ("c1", "c3")]
    release = threading.Event()

    def loader(show):
        show(replace(full, scored=list(first_part), done=False))
        assert release.wait(10)
        return replace(full, scored=first_part + rest, done=True)

    store = Store(tmp_path / "d.db", moderator="ana")
    app = ReviewApp(loader, store)
    async with app.run_test(size=(160, 40)) as pilot:
        await _ready(app, pilot)
        assert len(app.queue.items) == 2
        assert "so far" in screen_text(app)
        assert _current_id(app) == "c1"
        await pilot.press("r")  # decided while scoring goes on
        assert store.current(["a1/c1"])["a1/c1"].action == "remove"
        await pilot.press("down")
        here = _current_id(app)
        release.set()
        for _ in range(100):
            if app.loaded is not None and app.loaded.done:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert len(app.queue.items) == 6
        assert app.queue.states[app.queue.index["a1/c1"]] == "removed"
        assert _current_id(app) == here  # the cursor stays on the comment being read
        assert "so far" not in screen_text(app)
        await pilot.press("q")
    store.db.close()

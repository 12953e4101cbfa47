"""The review app: a keyboard-first queue over scored comments, deciding straight into the store."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Label, ProgressBar

from moderation.errors import StoreError
from moderation.harm import DEFAULT_SEVERITY, versus
from moderation.labels import LABEL_TITLES, LABELS
from moderation.queue import CHANGED, SORT_TITLES, ReviewQueue
from moderation.records import Article, ScoredComment
from moderation.store import Decision, Store
from moderation.tui.queue_list import QueueList
from moderation.tui.screens import ChoiceScreen, ConfirmScreen, HelpScreen, SearchScreen
from moderation.tui.widgets import CommentText, ContextView, PlacementLine, ScoreBars, snippet

DEFAULT_REASONS = ("insult or harassment", "hate or slur", "threat", "obscenity", "conspiracy theory", "spam",
                   "off topic", "other")  # fmt: skip
FILTER_FIELDS = {"author": "author", "article": "article_id"}
"""Queue filter -> the comment field it matches."""
WHY_WIDTH = 11
"""``A 0.99≥0.80``: the label that places the comment, its score and that label's threshold."""
ROW_HEADER = f"   {'why':<{WHY_WIDTH}} {'flags':<5} {'author':<13} comment"
STATE_MARKS = {"pending": " ", "approved": "✓", "removed": "✗", "escalated": "!", "changed": "~"}
PARENT_STUBS = {"deleted": "[deleted]", "rejected": "[could not be read: see the rejects file]"}


@dataclass
class Loaded:
    """What the loader hands the app: everything scored so far, and whether scoring is done."""

    scored: list[ScoredComment]
    articles: Mapping[str, Article] = field(default_factory=dict)
    thresholds: Mapping[str, float] = field(default_factory=dict)
    model_version: str | None = None
    summary: str = ""
    done: bool = True
    severity: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    """Per label, how harmful a flag is: orders the queue (the config's ``[severity]``)."""


Loader = Callable[[Callable[[Loaded], None]], Loaded]
"""Scores the queue; may show what it has so far (``done=False``) before returning the whole of it."""


class ReviewApp(App[None]):
    """Clear a moderation queue with the keyboard; every decision is saved the moment it is made."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere find it
    TITLE = "moderation review"
    BINDINGS = [
        Binding("a", "decide('approve')", "Approve"),
        Binding("r", "decide('remove')", "Remove"),
        Binding("e", "decide('escalate')", "Escalate"),
        Binding("R", "decide_with_reason('remove')", "Remove+reason", show=False),
        Binding("E", "decide_with_reason('escalate')", "Escalate+reason", show=False),
        Binding("1", "toggle_label(0)", "Abuse", show=False),
        Binding("2", "toggle_label(1)", "Conspiracy", show=False),
        Binding("3", "toggle_label(2)", "Off-topic", show=False),
        Binding("u", "undo", "Undo"),
        Binding("j", "move(1)", "Next", show=False),
        Binding("k", "move(-1)", "Previous", show=False),
        Binding("n", "next_pending", "Next pending"),
        Binding("space", "select", "Select", show=False),
        Binding("asterisk", "select_all", "Select all", show=False),
        Binding("b", "bulk", "Bulk"),
        Binding("slash", "search", "Search"),
        Binding("f", "cycle_label", "Label filter"),
        Binding("t", "cycle_state", "State filter"),
        Binding("s", "cycle_sort", "Sort"),
        Binding("o", "only('author')", "Author only", show=False),
        Binding("i", "only('article')", "Article only", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]
    HELP = [
        ("a", "approve the comment"),
        ("r / R", "remove it (R: pick a reason first)"),
        ("e / E", "escalate it to a senior (E: with a reason)"),
        ("1 2 3", "correct the labels before deciding: abuse, conspiracy, off-topic"),
        ("u", "undo your last decision (a whole bulk decision at once)"),
        ("↓ ↑ / j k", "next / previous comment"),
        ("n", "jump to the next pending comment"),
        ("space", "select or unselect the comment"),
        ("*", "select every comment the filters show"),
        ("b", "decide all selected comments at once (asks first)"),
        ("/", "search comment text and authors as you type"),
        ("f", "filter by label: all, abuse, conspiracy, off-topic, unflagged"),
        ("t", "filter by state: pending (and changed), all, approved, removed, escalated, changed since decided"),
        ("s", "sort: most harmful first, most uncertain, newest, by article"),
        ("", "most harmful: flagged comments by their most severe label"),
        ("", "(abuse, conspiracy, off-topic, or the config's [severity]),"),
        ("", "likeliest first; then the unflagged, nearest miss first"),
        ("o", "show only this author's comments (again: everyone)"),
        ("i", "show only this article's comments (again: every article)"),
        ("?", "this help"),
        ("q", "quit (every decision is already saved)"),
    ]

    def __init__(
        self, loader: Loader, store: Store, reasons: Sequence[str] = DEFAULT_REASONS, sort: str = "harm"
    ) -> None:
        super().__init__()
        self.loader = loader
        self.store = store
        self.reasons = list(reasons)
        self.sort = sort
        """The order the queue opens in (``moderation.queue.SORTS``); ``s`` cycles from there."""
        self.queue: ReviewQueue | None = None
        self.loaded: Loaded | None = None
        self.corrections: dict[str, set[str]] = {}
        self.changed: dict[str, Decision] = {}
        """Key -> the standing decision made when the comment read differently (not applied)."""
        self._rows_key: list[str] = []

    # ------------------------------------------------------------------ layout and loading

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Until the queue is loaded, only help and quit do anything."""
        return self.queue is not None or action in ("quit", "help", "command_palette")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="status")
        with Horizontal(id="loading"):
            yield Label("Scoring comments…", id="loading-label")
            yield ProgressBar(id="progress", show_eta=False)
        with Horizontal(id="main"):
            yield QueueList(self._row_text, Text(ROW_HEADER, style="bold"), id="queue")
            with VerticalScroll(id="detail"):
                yield PlacementLine(id="why")
                yield CommentText(id="comment")
                yield ScoreBars(id="scores")
                yield ContextView(id="context")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#main").display = False
        self._claim_timer: Timer | None = None
        self.run_worker(self._load, thread=True, name="scoring", exclusive=True)

    def _load(self) -> None:
        try:
            loaded = self.loader(lambda part: self.call_from_thread(self._on_loaded, part))
        except Exception as err:  # shown to the moderator, not as a traceback
            self.call_from_thread(self._failed, str(err))
            return
        self.call_from_thread(self._on_loaded, loaded)

    def _failed(self, message: str) -> None:
        hint = "  (q quits; --skip-invalid reviews the rest and lists rejected records)"
        self.query_one("#loading-label", Label).update(
            Text(f"Could not load the queue: {message}{hint}", style="bold red")
        )

    def _on_loaded(self, loaded: Loaded) -> None:
        """The queue so far: opened on the first part, grown on the next ones, complete when ``done``."""
        self.loaded = loaded
        titles = {k: a.title for k, a in loaded.articles.items()}
        first = self.queue is None
        if self.queue is None:
            self.queue = ReviewQueue(loaded.scored, loaded.thresholds, titles, sort=self.sort, severity=loaded.severity)
            new = self.queue.items
        else:
            keep = self.current()
            new = loaded.scored[len(self.queue.items) :]
            self.queue.titles = titles
            self.queue.extend(new)
        try:
            self.store.remember(new, titles)
        except StoreError as err:
            self._read_only(err)
        self._apply_standing(self.store.current([s.comment.key for s in new]))
        self.queue.set_hidden(self.store.claimed_by_others())
        self.queue.refresh()
        if first:
            self.query_one("#main").display = True
            self._rebuild()
            self.queue_list.focus()
            self.set_interval(5.0, self._refresh_claims)
        else:
            self._rebuild(keep.comment.key if keep else None)
        if loaded.done:
            self.query_one("#loading").display = False
            self.sub_title = loaded.summary
        else:
            self.query_one("#loading-label", Label).update(
                f"Scoring comments… {len(loaded.scored):,} so far; the queue grows as they come"
            )

    def _apply_standing(self, standing: Mapping[str, Decision], undone: Sequence[str] = ()) -> None:
        """Show each comment's standing decision; one made on other text is held back as changed."""
        assert self.queue is not None
        for key in undone:
            if key not in standing:
                self.changed.pop(key, None)
                self.queue.mark(key, None)
        for key, decision in standing.items():
            i = self.queue.index.get(key)
            if i is None:
                continue
            changed = not decision.made_on(self.queue.items[i].comment.text)
            if changed:
                self.changed[key] = decision
            else:
                self.changed.pop(key, None)
            self.queue.mark(key, decision.action, changed=changed)

    # ------------------------------------------------------------------ drawing

    @property
    def queue_list(self) -> QueueList:
        return self.query_one("#queue", QueueList)

    def _row_text(self, row: int) -> Text:
        assert self.queue is not None
        i = self.queue.view[row]
        s = self.queue.items[i]
        flags = "".join(LABEL_TITLES[label][0] for label in s.flags)
        placed = self.queue.placement(i)
        why = f"{LABEL_TITLES[placed.label][0]} {versus(placed.score, placed.threshold, compact=True)}"
        flagged = self.queue_list.get_component_rich_style("queue-list--flagged", partial=True)
        text = Text()
        text.append("•" if i in self.queue.selected else " ", style="bold yellow")
        text.append(STATE_MARKS[self.queue.states[i]], style="bold")
        text.append(" ")
        text.append(f"{why:<{WHY_WIDTH}}", style=flagged if placed.flagged else "")
        text.append(" ")
        text.append(f"{flags:<5}", style=flagged)
        text.append(" ")
        text.append_text(snippet(s.comment.author or "", 12))
        text.pad_right(max(0, 4 + WHY_WIDTH + 19 - len(text)))
        text.append(" ")
        text.append_text(snippet(s.comment.text, 200))
        return text

    def _rebuild(self, keep: str | None = None) -> None:
        """Redraw the list from the queue's view, keeping the cursor on ``keep`` when it is still shown."""
        assert self.queue is not None
        row = self.queue_list.cursor
        if keep is not None and keep in self.queue.index:
            with contextlib.suppress(ValueError):
                row = self.queue.view.index(self.queue.index[keep])
        self.queue_list.set_rows(len(self.queue.view), row)
        self._show_current()

    def _redraw_row(self, key: str) -> None:
        assert self.queue is not None
        try:
            self.queue_list.refresh_row(self.queue.view.index(self.queue.index[key]))
        except (KeyError, ValueError):
            return

    def current(self) -> ScoredComment | None:
        if self.queue is None or not self.queue.view:
            return None
        row = min(self.queue_list.cursor, len(self.queue.view) - 1)
        return self.queue.items[self.queue.view[row]] if row >= 0 else None

    def _show_current(self) -> None:
        assert self.queue is not None and self.loaded is not None
        scored = self.current()
        self.query_one("#why", PlacementLine).show(
            self.queue.why(self.queue.index[scored.comment.key]) if scored else None,
            flagged=bool(scored and scored.flags),
        )
        self.query_one("#comment", CommentText).show(scored)
        corrected = sorted(self.corrections.get(scored.comment.key, set(scored.flags))) if scored else []
        self.query_one("#scores", ScoreBars).show(scored, self.queue.thresholds, corrected)
        if scored is not None:
            c = scored.comment
            article = self.loaded.articles.get(c.article_id or "")
            lead = " ".join((article.text if article else "").split())[:240]
            parent_i = self.queue.index.get(c.parent_key or "")
            parent = self.queue.items[parent_i].comment.text if parent_i is not None else None
            stub = None
            if c.parent_id and parent is None:
                stub = PARENT_STUBS.get(c.parent_state or "", f"[{c.parent_id}: not in these sources]")
            history = [
                (self.queue.states[i], self.queue.items[i].comment.text)
                for i in self.queue.author_comments(c.author, exclude=c.key)
            ]
            self.query_one("#context", ContextView).show(
                scored,
                article_title=article.title if article else None,
                article_lead=lead,
                parent=parent,
                history=history,
                model_version=scored.model_version,
                parent_stub=stub,
                changed=self._changed_note(c.key),
            )
            self._claim_soon(c.key)
        else:
            self.query_one("#context", ContextView).show(None, article_title=None, article_lead="", parent=None,
                                                         history=(), model_version=None)  # fmt: skip
        self._status()

    def _changed_note(self, key: str) -> str | None:
        decision = self.changed.get(key)
        if decision is None:
            return None
        return (
            f"{decision.action} by {decision.moderator} at {decision.decided_at[:16].replace('T', ' ')} when the "
            "comment read differently; that decision is not applied here. Decide again."
        )

    def _status(self) -> None:
        assert self.queue is not None
        c = self.queue.counts()
        f = self.queue.filters
        flagged = "  ".join(f"{LABEL_TITLES[label]} {c[f'flagged_{label}']}" for label in LABELS)
        changed = f"  changed since decided {c[CHANGED]}" if c[CHANGED] else ""
        extra = ""
        if f.search:
            extra += f"  search “{f.search}”"
        if f.author:
            extra += f"  author {f.author}"
        if f.article:
            extra += f"  article {f.article}"
        text = (  # what is shown first: it is what the keys change, and it must not be cut off
            f"showing {c['shown']} of {c['total']}: {f.state}, {f.label}, {SORT_TITLES[self.queue.sort]}{extra}  |  "
            f"pending {c['pending']}  decided now {self.queue.decided_this_session} "
            f"({self.queue.rate_per_minute():.1f}/min)  approved {c['approved']} removed {c['removed']} "
            f"escalated {c['escalated']}{changed}  |  flagged: {flagged}"
        )
        if self.queue.selected:
            text += f"  |  selected {len(self.queue.selected)}"
        if getattr(self, "_read_only_message", None):
            text = f"READ-ONLY: {self._read_only_message}  |  " + text
        self.query_one("#status", Label).update(Text(text))

    def on_queue_list_highlighted(self, event: QueueList.Highlighted) -> None:
        if self.queue is not None:
            self._show_current()

    # ------------------------------------------------------------------ claims and errors

    def _claim_soon(self, key: str) -> None:
        """Claim the comment once the cursor rests on it, not on every row scrolled past."""
        if self._claim_timer is not None:
            self._claim_timer.stop()
        self._claim_timer = self.set_timer(0.25, lambda: self._claim(key))

    def _claim(self, key: str) -> None:
        if getattr(self, "_read_only_message", None):
            return
        try:
            self.store.claim(key)
        except StoreError as err:
            self._read_only(err)

    def _refresh_claims(self) -> None:
        if self.queue is None:
            return
        current = self.current()
        try:
            others = self.store.claimed_by_others()
        except StoreError:
            return
        if current is not None:
            others.pop(current.comment.key, None)
        if self.queue.set_hidden(others):
            self._rebuild(keep=current.comment.key if current else None)

    def _read_only(self, err: StoreError) -> None:
        self._read_only_message = str(err)
        self.notify(str(err), title="Decisions are not being saved", severity="error", timeout=10)
        if self.queue is not None:
            self._status()

    # ------------------------------------------------------------------ actions

    def _decide(self, targets: list[ScoredComment], action: str, reason: str | None = None) -> None:
        assert self.queue is not None
        if not targets:
            return
        if getattr(self, "_read_only_message", None):
            self.notify("The database cannot be written; nothing was decided.", severity="error")
            return
        labels = None
        if action == "remove" and len(targets) == 1:
            labels = sorted(self.corrections.get(targets[0].comment.key, set(targets[0].flags)))
        elif len(targets) == 1 and targets[0].comment.key in self.corrections:
            labels = sorted(self.corrections[targets[0].comment.key])
        try:
            self.store.record_many(
                [s.comment for s in targets],
                action,
                labels=labels,
                reason=reason,
                model_version=targets[0].model_version,
            )
        except StoreError as err:
            self._read_only(err)
            return
        for s in targets:
            self.changed.pop(s.comment.key, None)
            self.queue.mark(s.comment.key, action)
        self.queue.count_decision(len(targets))
        self._after_decision([s.comment.key for s in targets])

    def _after_decision(self, decided: list[str]) -> None:
        """Decided comments leave a pending view; the cursor stays put, so the next one slides under it."""
        assert self.queue is not None
        row = self.queue_list.cursor
        changed = [self.queue.index[c] for c in decided]
        was_selected = bool(self.queue.selected)
        self.queue.selected.clear()
        self.queue.settle(changed)
        self.queue_list.set_rows(len(self.queue.view), row)
        if was_selected:
            self.queue_list.refresh()
        self._show_current()

    def action_decide(self, action: str) -> None:
        scored = self.current()
        if scored is not None:
            self._decide([scored], action)

    def action_decide_with_reason(self, action: str) -> None:
        scored = self.current()
        if scored is None:
            return

        def chosen(reason: str | None) -> None:
            if reason is not None:
                self._decide([scored], action, reason)

        self.push_screen(ChoiceScreen(f"Why {action} this comment?", self.reasons), chosen)

    def action_toggle_label(self, k: int) -> None:
        scored = self.current()
        if scored is None:
            return
        label = LABELS[k]
        chosen = self.corrections.setdefault(scored.comment.key, set(scored.flags))
        chosen.symmetric_difference_update({label})
        self._show_current()

    def action_undo(self) -> None:
        assert self.queue is not None
        try:
            undone = self.store.undo_last()
        except StoreError as err:
            self._read_only(err)
            return
        if not undone:
            self.notify("Nothing of yours to undo.")
            return
        keys = [d.key for d in undone if d.key is not None]
        self._apply_standing(self.store.current(keys), undone=keys)
        self.queue.decided_this_session = max(0, self.queue.decided_this_session - len(undone))
        self.queue.refresh()
        self._rebuild(keep=undone[0].key)
        self.notify(f"Undid {undone[0].action} of {len(undone)} comment(s).")

    def action_move(self, step: int) -> None:
        self.queue_list.action_cursor(step)

    def action_next_pending(self) -> None:
        assert self.queue is not None
        pos = self.queue.next_pending(self.queue_list.cursor)
        if pos is None:
            self.notify("No pending comments with these filters.")
        else:
            self.queue_list.cursor = pos

    def action_select(self) -> None:
        scored = self.current()
        if scored is None or self.queue is None:
            return
        i = self.queue.index[scored.comment.key]
        self.queue.selected.symmetric_difference_update({i})
        self._redraw_row(scored.comment.key)
        self.action_move(1)
        self._status()

    def action_select_all(self) -> None:
        assert self.queue is not None
        if set(self.queue.view) <= self.queue.selected:
            self.queue.selected.clear()
        else:
            self.queue.selected = set(self.queue.view)
        current = self.current()
        self._rebuild(keep=current.comment.key if current else None)

    def action_bulk(self) -> None:
        assert self.queue is not None
        targets = [self.queue.items[i] for i in sorted(self.queue.selected)]
        if not targets:
            self.notify("Select comments first: space for one, * for all shown.")
            return

        def picked(action: str | None) -> None:
            if action is None:
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._decide(targets, action.split()[0])

            self.push_screen(ConfirmScreen(f"{action.split()[0].capitalize()} {len(targets)} comments?"), confirmed)

        options = ["approve all", "remove all", "escalate all"]
        self.push_screen(ChoiceScreen(f"Decide {len(targets)} selected comments", options), picked)

    def action_search(self) -> None:
        assert self.queue is not None
        before = self.queue.filters.search

        def done(value: str | None) -> None:
            self.apply_search(before if value is None else value)

        self.push_screen(SearchScreen(before), done)

    def apply_search(self, text: str) -> None:
        """Filter as the moderator types (called by the search box on every change)."""
        assert self.queue is not None
        if text == self.queue.filters.search:
            return
        current = self.current()
        self.queue.filters.search = text
        self.queue.refresh()
        self._rebuild(keep=current.comment.key if current else None)

    def action_cycle_label(self) -> None:
        self._refilter(lambda q: q.cycle_label_filter())

    def action_cycle_state(self) -> None:
        self._refilter(lambda q: q.cycle_state_filter())

    def action_cycle_sort(self) -> None:
        self._refilter(lambda q: q.cycle_sort())

    def action_only(self, field: str) -> None:
        """Show only the current comment's author (or article); pressed again, show everyone."""
        scored = self.current()

        def toggle(q: ReviewQueue) -> None:
            shown = (
                None if getattr(q.filters, field) or scored is None else getattr(scored.comment, FILTER_FIELDS[field])
            )
            setattr(q.filters, field, shown)
            q.refresh()

        self._refilter(toggle)

    def _refilter(self, change: Callable[[ReviewQueue], Any]) -> None:
        if self.queue is None:
            return
        current = self.current()
        change(self.queue)
        self._rebuild(keep=current.comment.key if current else None)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.HELP))

    def on_unmount(self) -> None:
        with contextlib.suppress(StoreError):
            self.store.release()

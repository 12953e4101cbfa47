"""The review queue without any UI: ordering, filters, selection and counts over scored comments.

Sort orders are computed once per queue (one argsort each), so changing a filter or the sort is one pass
over the comments and moving between comments costs nothing, even at 100,000 comments. The default order,
most harmful first, is the rule in ``moderation.harm``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

from moderation.harm import DEFAULT_SEVERITY, Placement, label_name, rank_by_harm, versus
from moderation.labels import LABELS
from moderation.records import ScoredComment

SORTS = ("harm", "uncertain", "newest", "article")
SORT_TITLES = {
    "harm": "most harmful first",
    "uncertain": "most uncertain first",
    "newest": "newest first",
    "article": "by article",
}
LABEL_FILTERS = ("all", *LABELS, "unflagged")
STATE_FILTERS = ("pending", "all", "approved", "removed", "escalated", "changed")
STATE_OF_ACTION = {"approve": "approved", "remove": "removed", "escalate": "escalated"}
CHANGED = "changed"
"""A comment decided on when it read differently: the decision is not applied, so it waits for a new one."""
AWAITING = ("pending", CHANGED)


@dataclass
class Filters:
    label: str = "all"
    state: str = "pending"
    article: str | None = None
    author: str | None = None
    search: str = ""


@dataclass
class ReviewQueue:
    """Scored comments, what has been decided about them, and the current view onto them."""

    items: list[ScoredComment]
    thresholds: Mapping[str, float]
    titles: Mapping[str, str | None] = field(default_factory=dict)
    filters: Filters = field(default_factory=Filters)
    sort: str = "harm"
    severity: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    """Per label, how harmful a flag is (the config's ``[severity]``): orders the "harm" sort."""

    def __post_init__(self) -> None:
        self.index: dict[str, int] = {}
        """Comment key -> position in ``items`` (keys are unique: the reading session rejects repeats)."""
        self.states: list[str] = []
        self.hidden: set[int] = set()  # claimed by another moderator
        self.selected: set[int] = set()
        self._haystack: list[str] = []
        self._state_counts: Counter[str] = Counter()
        self._flagged: Counter[str] = Counter()
        self._by_author: dict[str, list[int]] = {}
        self.decided_this_session = 0
        self._first_decision: float | None = None
        self.view: list[int] = []
        self._scores = np.zeros((0, len(LABELS)))
        self._flags = np.zeros((0, len(LABELS)), dtype=bool)
        items, self.items = list(self.items), []
        self.extend(items)

    def extend(self, more: Iterable[ScoredComment]) -> None:
        """Add comments scored since the queue opened (the review opens before scoring ends); they come pending.

        Orders are recomputed over the whole queue: a few milliseconds at thousands of comments.
        """
        start = len(self.items)
        self.items.extend(more)
        added = self.items[start:]
        for i, s in enumerate(added, start):
            self.index[s.comment.key] = i
            if s.comment.author:
                self._by_author.setdefault(s.comment.author, []).append(i)
        self.states.extend(["pending"] * len(added))
        self._state_counts["pending"] += len(added)
        self._flagged.update(label for s in added for label in s.flags)
        self._haystack.extend(f"{s.comment.text}\n{s.comment.author or ''}".casefold() for s in added)
        n = len(self.items)
        width = len(LABELS)
        in_order = itemgetter(*LABELS)
        new_scores = np.array([in_order(s.scores) for s in added], dtype=float).reshape(-1, width)
        new_flags = np.zeros((len(added), width), dtype=bool)
        for row, s in enumerate(added):
            for label in s.flags:  # most comments have none
                new_flags[row, LABELS.index(label)] = True
        self._scores = np.concatenate([self._scores, new_scores])
        self._flags = np.concatenate([self._flags, new_flags])
        scores = self._scores
        limits = np.array([self.thresholds[label] for label in LABELS])
        self._harm = rank_by_harm(scores, self._flags, self.thresholds, self.severity)
        harm_rank = np.empty(n, dtype=np.int64)
        harm_rank[self._harm.order] = np.arange(n)
        distance = np.abs(np.log(np.clip(scores, 1e-6, 1 - 1e-6) / np.clip(limits, 1e-6, 1 - 1e-6)))
        self.uncertainty = distance.min(axis=1) if n else np.zeros(0)
        created = [s.comment.created_at or "" for s in self.items]
        articles = [s.comment.article_id or "" for s in self.items]
        ranks = harm_rank.tolist()
        self._orders = {
            "harm": self._harm.order,
            "uncertain": np.argsort(self.uncertainty, kind="stable"),
            "newest": np.array(sorted(range(n), key=lambda i: created[i], reverse=True), dtype=np.int64),
            "article": np.array(sorted(range(n), key=list(zip(articles, ranks, strict=True)).__getitem__)),
        }
        self.refresh()

    def placement(self, i: int) -> Placement:
        """Why comment ``i`` sits where it does in the harm order: its deciding label (or nearest miss)."""
        k = int(self._harm.label[i])
        label = LABELS[k]
        return Placement(
            label=label,
            score=float(self._scores[i, k]),
            threshold=float(self.thresholds[label]),
            flagged=bool(self._harm.flagged[i]),
            severity=float(self.severity[label]),
        )

    def why(self, i: int) -> str:
        """Comment ``i``'s place in the harm order, as a sentence: its deciding flag against its threshold.

        Its other flags follow, most harmful first; an unflagged comment names its nearest miss.
        """
        placed = self.placement(i)
        if not placed.flagged:
            return f"Not flagged; nearest threshold: {placed.describe()}"
        others = sorted(
            (label for label in self.items[i].flags if label != placed.label),
            key=lambda label: (-self.severity[label], -self.items[i].scores[label]),
        )
        text = f"Flagged {placed.describe()} (severity {placed.severity:g})"
        if others:
            also = ", ".join(
                f"{label_name(label)} {versus(self.items[i].scores[label], self.thresholds[label])}" for label in others
            )
            text += f"; also {also}"
        return text

    # ------------------------------------------------------------------ view

    def _matches(self, i: int) -> bool:
        f = self.filters
        s = self.items[i]
        state = self.states[i]
        if f.state != "all" and state != f.state and not (f.state == "pending" and state == CHANGED):
            return False
        if f.label == "unflagged":
            if s.flags:
                return False
        elif f.label != "all" and f.label not in s.flags:
            return False
        if f.article is not None and s.comment.article_id != f.article:
            return False
        if f.author is not None and s.comment.author != f.author:
            return False
        return not (f.search and f.search.casefold() not in self._haystack[i])

    def refresh(self) -> None:
        """Recompute the view after a filter, sort or claim change."""
        self.view = [i for i in self._orders[self.sort].tolist() if i not in self.hidden and self._matches(i)]

    def settle(self, changed: Iterable[int]) -> None:
        """Drop from the view the comments whose state change means the filters no longer show them.

        Cheaper than ``refresh`` after a decision: no re-sorting, one pass at C speed when nothing goes.
        """
        gone = {i for i in changed if not self._matches(i)}
        if gone:
            self.view = [i for i in self.view if i not in gone]

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self.refresh()

    def cycle_sort(self) -> str:
        self.set_sort(SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])
        return self.sort

    def cycle_label_filter(self) -> str:
        self.filters.label = LABEL_FILTERS[(LABEL_FILTERS.index(self.filters.label) + 1) % len(LABEL_FILTERS)]
        self.refresh()
        return self.filters.label

    def cycle_state_filter(self) -> str:
        self.filters.state = STATE_FILTERS[(STATE_FILTERS.index(self.filters.state) + 1) % len(STATE_FILTERS)]
        self.refresh()
        return self.filters.state

    def set_hidden(self, keys: Iterable[str]) -> bool:
        """Hide comments (by key) other moderators hold; True when that changed the view."""
        hidden = {self.index[c] for c in keys if c in self.index}
        if hidden == self.hidden:
            return False
        self.hidden = hidden
        self.refresh()
        return True

    # ------------------------------------------------------------------ decisions

    def mark(self, key: str, action: str | None, *, changed: bool = False) -> None:
        """Record the standing decision of a comment (None: pending again, after an undo).

        ``changed``: the decision was made on other text than the comment has now, so it is not applied.
        """
        i = self.index.get(key)
        if i is not None:
            self._state_counts[self.states[i]] -= 1
            self.states[i] = CHANGED if changed else STATE_OF_ACTION[action] if action else "pending"
            self._state_counts[self.states[i]] += 1

    def count_decision(self, n: int = 1) -> None:
        if self._first_decision is None:
            self._first_decision = time.monotonic()
        self.decided_this_session += n

    def rate_per_minute(self) -> float:
        if self._first_decision is None or self.decided_this_session == 0:
            return 0.0
        minutes = max((time.monotonic() - self._first_decision) / 60.0, 1 / 60)
        return self.decided_this_session / minutes

    def next_pending(self, after: int) -> int | None:
        """Position in the view of the first pending comment after position ``after`` (wrapping)."""
        n = len(self.view)
        for step in range(1, n + 1):
            pos = (after + step) % n
            if self.states[self.view[pos]] in AWAITING:
                return pos
        return None

    def counts(self) -> dict[str, int]:
        states, flagged = self._state_counts, self._flagged
        return {
            "total": len(self.items),
            "shown": len(self.view),
            "pending": states["pending"],
            "approved": states["approved"],
            "removed": states["removed"],
            "escalated": states["escalated"],
            "changed": states[CHANGED],
            **{f"flagged_{label}": flagged[label] for label in LABELS},
        }

    def author_comments(self, author: str | None, exclude: str | None = None) -> list[int]:
        if not author:
            return []
        return [i for i in self._by_author.get(author, []) if self.items[i].comment.key != exclude]

"""Comments and flags over time: ``created_at`` read leniently, counted per day, shown per day, week or month.

Counting per day keeps memory at one row per calendar day however many comments there are; the period
shown is chosen afterwards from the span the data covers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

DAILY_UP_TO = 92
"""Spans up to this many days are shown per day; up to two years per week; longer ones per month."""
WEEKLY_UP_TO = 731
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)
"""Days outside these are taken for typos or placeholders (``0001-01-01``) and counted as unreadable."""


def parse_time(value: object) -> dt.date | None:
    """The UTC calendar day of an ISO 8601, RFC 2822 or Unix-epoch (s or ms) time; None if unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date()


def _from_epoch(seconds: float) -> dt.date | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


@dataclass
class Timeline:
    """Per calendar day: comments, and flags per label (in label order)."""

    labels: tuple[str, ...]
    days: dict[int, list[int]] = field(default_factory=dict)
    """Day ordinal -> [comments, flags of each label...]."""
    undated: int = 0
    unreadable: int = 0
    unreadable_example: str | None = None

    def add(self, created_at: object, flags: list[str]) -> None:
        if created_at is None or created_at == "":
            self.undated += 1
            return
        day = parse_time(created_at)
        if day is None or not EARLIEST <= day <= LATEST:
            self.unreadable += 1
            if self.unreadable_example is None:
                self.unreadable_example = str(created_at)[:60]
            return
        row = self.days.get(day.toordinal())
        if row is None:
            row = self.days[day.toordinal()] = [0] * (1 + len(self.labels))
        row[0] += 1
        for flag in flags:
            row[1 + self.labels.index(flag)] += 1

    @property
    def dated(self) -> int:
        return sum(row[0] for row in self.days.values())

    def series(self) -> tuple[str, list[dt.date], list[list[int]]]:
        """(period name, the start of each period, [comments, flags per label] per period), gaps filled."""
        if not self.days:
            return "day", [], []
        first, last = min(self.days), max(self.days)
        span = last - first + 1
        period = "day" if span <= DAILY_UP_TO else "week" if span <= WEEKLY_UP_TO else "month"
        buckets: dict[dt.date, list[int]] = {}
        start = _period_start(dt.date.fromordinal(first), period)
        end = dt.date.fromordinal(last)
        while start <= end:
            buckets[start] = [0] * (1 + len(self.labels))
            start = _next_period(start, period)
        for ordinal, row in self.days.items():
            bucket = buckets[_period_start(dt.date.fromordinal(ordinal), period)]
            for i, n in enumerate(row):
                bucket[i] += n
        return period, list(buckets), list(buckets.values())


def _period_start(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def _next_period(day: dt.date, period: str) -> dt.date:
    if period == "week":
        return day + dt.timedelta(days=7)
    if period == "month":
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day + dt.timedelta(days=1)

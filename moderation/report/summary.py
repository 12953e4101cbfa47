"""What a report shows, gathered in one pass over scored records, in memory that does not grow with them.

Per record only counters move: totals, a tally per article and per author, fixed histogram bins, one row per
calendar day and, per severity, a fixed-size heap of the most harmful flagged comments (kept as a short
excerpt around their evidence), ranked by the same rule as the review queue (``moderation.harm``). Memory
grows with the number of articles, authors and days, never with the number of comments or the length of
their text.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from moderation.harm import DEFAULT_SEVERITY, deciding_label
from moderation.labels import LABELS
from moderation.report.timeline import Timeline

HISTOGRAM_BINS = 50
TOP_COMMENTS = 8
EXCERPT_CHARS = 600
KEY_CHARS = 200
"""Ids and names longer than this are kept as a prefix plus a hash (a hostile file may hold huge ones)."""
TITLE_CHARS = 300
ROUNDING = 5e-5
"""Scores in scored files are rounded to 4 decimals; a threshold is consistent with them within this."""


def bounded(value: object, limit: int = KEY_CHARS) -> str | None:
    """A name or id as a string of at most about ``limit`` characters, still distinct from others."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if not text:
        return None
    if len(text) <= limit:
        return text
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{text[: limit - 10]}…{digest}"


@dataclass(slots=True)
class Tally:
    """Comments of one article or author, how many were flagged, and the flags per label."""

    comments: int = 0
    flagged: int = 0
    labels: list[int] = field(default_factory=lambda: [0] * len(LABELS))
    title: str | None = None

    @property
    def share(self) -> float:
        return self.flagged / self.comments if self.comments else 0.0

    def add(self, flags: list[str]) -> None:
        self.comments += 1
        if flags:
            self.flagged += 1
            for flag in flags:
                self.labels[LABELS.index(flag)] += 1


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Part of a comment's text with its evidence spans (offsets into ``text``); what lies outside is cut."""

    text: str
    spans: tuple[tuple[int, int], ...]
    cut_before: int = 0
    cut_after: int = 0


def excerpt(text: str, spans: Iterable[tuple[int, int]], limit: int = EXCERPT_CHARS) -> Excerpt:
    """At most ``limit`` characters of ``text``, starting a little before its first evidence span."""
    valid = sorted((s, e) for s, e in spans if 0 <= s < e <= len(text))
    if len(text) <= limit:
        return Excerpt(text, tuple(valid))
    start = max(0, min(valid[0][0] - limit // 4, len(text) - limit)) if valid else 0
    end = start + limit
    inside = tuple((max(s, start) - start, min(e, end) - start) for s, e in valid if s < end and e > start)
    return Excerpt(text[start:end], inside, start, len(text) - end)


@dataclass(frozen=True, slots=True)
class FlaggedComment:
    """One of the most harmful flagged comments: ``label`` placed it (its most severe flag), at ``score``."""

    label: str
    score: float
    also: tuple[str, ...]
    """Its other flags, most severe first."""
    id: str | None
    author: str | None
    article: str | None
    source: str | None
    excerpt: Excerpt
    narratives: tuple[str, ...] = ()
    """The catalogue narratives a conspiracy flag names (from its evidence)."""


@dataclass(slots=True)
class ScoreRange:
    """The highest unflagged and lowest flagged score of a label: the threshold lies between them."""

    highest_unflagged: float | None = None
    lowest_flagged: float | None = None

    def add(self, score: float, flagged: bool) -> None:
        if flagged:
            if self.lowest_flagged is None or score < self.lowest_flagged:
                self.lowest_flagged = score
        elif self.highest_unflagged is None or score > self.highest_unflagged:
            self.highest_unflagged = score

    def admits(self, threshold: float) -> bool:
        """Whether flags at ``threshold`` explain every record seen (within the rounding of the scores)."""
        below = self.highest_unflagged is None or self.highest_unflagged <= threshold + ROUNDING
        above = self.lowest_flagged is None or self.lowest_flagged >= threshold - ROUNDING
        return below and above

    @property
    def consistent(self) -> bool:
        """False when some flagged score is below some unflagged one: the inputs used different thresholds."""
        if self.highest_unflagged is None or self.lowest_flagged is None:
            return True
        return self.lowest_flagged >= self.highest_unflagged - ROUNDING


@dataclass(frozen=True)
class ThresholdUsed:
    """The threshold a label was flagged at, and how the report knows it."""

    value: float | None
    how: str
    exact: bool = False
    """The model's own threshold, which the flags agree with (not a bound read from the flags)."""


def thresholds_used(
    ranges: Mapping[str, ScoreRange], model_thresholds: Mapping[str, float] | None
) -> dict[str, ThresholdUsed]:
    """Per label: the model's threshold when the flags agree with it, else what the flags themselves show."""
    out: dict[str, ThresholdUsed] = {}
    for label, seen in ranges.items():
        known = (model_thresholds or {}).get(label)
        if known is not None and seen.admits(known):
            out[label] = ThresholdUsed(known, "the model's threshold", exact=True)
        elif not seen.consistent:
            out[label] = ThresholdUsed(
                None,
                f"mixed: the inputs were flagged at different thresholds (flags from {seen.lowest_flagged:.4f}, "
                f"unflagged up to {seen.highest_unflagged:.4f})",
            )
        elif seen.lowest_flagged is not None:
            below = f"above {seen.highest_unflagged:.4f} and " if seen.highest_unflagged is not None else ""
            out[label] = ThresholdUsed(
                seen.lowest_flagged, f"set when scoring: {below}at most {seen.lowest_flagged:.4f}"
            )
        else:
            top = f"{seen.highest_unflagged:.4f}" if seen.highest_unflagged is not None else "-"
            out[label] = ThresholdUsed(None, f"unknown: nothing flagged (highest score {top})")
    return out


@dataclass(frozen=True)
class HarmGroup:
    """Flagged comments whose most severe flag has one severity: a group of the review queue's harm order."""

    labels: tuple[str, ...]
    """The labels of this severity (more than one when the config gives them the same)."""
    severity: float
    count: int
    """Flagged comments in the group; ``comments`` holds the likeliest of them, in the queue's order."""
    comments: list[FlaggedComment]


@dataclass
class Summary:
    """Everything a report of scored comments shows; ``add`` one record at a time."""

    top_comments: int = TOP_COMMENTS
    severity: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    """Per label, how harmful a flag is (the config's ``[severity]``): groups the most harmful comments."""
    comments: int = 0
    flagged: int = 0
    per_label: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    articles: dict[str | None, Tally] = field(default_factory=dict)
    """By article id; None holds the comments that name no article."""
    authors: dict[str | None, Tally] = field(default_factory=dict)
    histograms: dict[str, list[int]] = field(default_factory=lambda: {k: [0] * HISTOGRAM_BINS for k in LABELS})
    ranges: dict[str, ScoreRange] = field(default_factory=lambda: {k: ScoreRange() for k in LABELS})
    timeline: Timeline = field(default_factory=lambda: Timeline(LABELS))
    model_versions: dict[str, int] = field(default_factory=dict)
    relevance_not_judged: int = 0
    _top: dict[float, list[tuple[float, int, FlaggedComment]]] = field(default_factory=dict)
    _group_counts: dict[float, int] = field(default_factory=dict)

    def add(self, row: Mapping[str, Any]) -> None:
        """Count one scored record (shaped as ``moderation score`` writes them)."""
        self.comments += 1
        flags: list[str] = row["flags"]
        scores: Mapping[str, float] = row["scores"]
        article = bounded(row.get("article_id"))
        tally = self.articles.get(article)
        if tally is None:
            tally = self.articles[article] = Tally()
        tally.add(flags)
        if tally.title is None and row.get("article_title"):
            tally.title = str(row["article_title"])[:TITLE_CHARS]
        author = bounded(row.get("author"))
        by_author = self.authors.get(author)
        if by_author is None:
            by_author = self.authors[author] = Tally()
        by_author.add(flags)
        if flags:
            self.flagged += 1
        for label in LABELS:
            score = float(scores[label])
            self.histograms[label][min(int(score * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)] += 1
            is_flagged = label in flags
            self.ranges[label].add(score, is_flagged)
            if is_flagged:
                self.per_label[label] += 1
        if flags:
            self._offer(scores, flags, row)
        self.timeline.add(row.get("created_at"), flags)
        version = bounded(row.get("model_version"), 60) or "(not recorded)"
        if version in self.model_versions or len(self.model_versions) < 50:
            self.model_versions[version] = self.model_versions.get(version, 0) + 1
        if any(str(note).startswith("off_topic:") for note in row.get("notes") or ()):
            self.relevance_not_judged += 1

    def _offer(self, scores: Mapping[str, float], flags: list[str], row: Mapping[str, Any]) -> None:
        """Keep the comment if it is among the ``top_comments`` likeliest of its group (earlier wins ties).

        The group is the severity of its deciding label, and the rank that label's score: the queue's rule.
        """
        label = deciding_label(scores, flags, self.severity)
        assert label is not None
        group = self.severity[label]
        self._group_counts[group] = self._group_counts.get(group, 0) + 1
        heap = self._top.setdefault(group, [])
        score = float(scores[label])
        key = (score, -self.comments)
        if len(heap) >= self.top_comments and key <= heap[0][:2]:
            return
        evidence = (row.get("evidence") or {}).get(label) or []
        spans = [(e["start"], e["end"]) for e in evidence if isinstance(e, dict) and _is_span(e)]
        others = sorted((f for f in flags if f != label), key=lambda f: (-self.severity[f], -float(scores[f])))
        item = FlaggedComment(
            label=label,
            score=score,
            also=tuple(others),
            id=bounded(row.get("id")),
            author=bounded(row.get("author")),
            article=bounded(row.get("article_id")),
            source=bounded(row.get("source")),
            excerpt=excerpt(row["text"], spans),
            narratives=_narratives(evidence),
        )
        entry = (score, -self.comments, item)
        if len(heap) < self.top_comments:
            heapq.heappush(heap, entry)
        else:
            heapq.heapreplace(heap, entry)

    def most_harmful(self) -> list[HarmGroup]:
        """The most harmful flagged comments, most severe group first, each group likeliest first.

        Read top to bottom this is the start of each group of the review queue's default order, so the
        report and the queue agree on what is worst. Every severity is listed, empty or not.
        """
        groups = []
        for severity in sorted(set(self.severity.values()), reverse=True):
            heap = self._top.get(severity, [])
            groups.append(
                HarmGroup(
                    labels=tuple(label for label in LABELS if self.severity[label] == severity),
                    severity=severity,
                    count=self._group_counts.get(severity, 0),
                    comments=[item for _, _, item in sorted(heap, key=lambda e: (-e[0], -e[1]))],
                )
            )
        return groups

    def ranked_articles(self) -> list[tuple[str | None, Tally]]:
        """Articles worst first: by flagged share, then flagged count, then comments."""
        return sorted(
            self.articles.items(), key=lambda kv: (-kv[1].share, -kv[1].flagged, -kv[1].comments, kv[0] or "")
        )

    def ranked_authors(self) -> list[tuple[str, Tally]]:
        """Named authors with at least one flag, most flags first."""
        named = [(a, t) for a, t in self.authors.items() if a is not None and t.flagged]
        return sorted(named, key=lambda kv: (-kv[1].flagged, -kv[1].share, kv[0]))

    @property
    def named_articles(self) -> int:
        return sum(1 for key in self.articles if key is not None)

    @property
    def named_authors(self) -> int:
        return sum(1 for key in self.authors if key is not None)


def _narratives(evidence: list[Any]) -> tuple[str, ...]:
    """The narrative names an evidence list carries, in order, each once (bounded: the input is untrusted)."""
    names: dict[str, None] = {}
    for e in evidence:
        found = e.get("narratives") if isinstance(e, dict) else None
        for name in found if isinstance(found, list) else ():
            if isinstance(name, str) and len(names) < 3:
                names[bounded(name) or ""] = None
    return tuple(n for n in names if n)


def _is_span(evidence: Mapping[str, Any]) -> bool:
    start, end = evidence.get("start"), evidence.get("end")
    return type(start) is int and type(end) is int


def summarise(
    rows: Iterable[Mapping[str, Any]], top_comments: int = TOP_COMMENTS, severity: Mapping[str, float] | None = None
) -> Summary:
    """One pass over ``rows`` (any iterable, consumed as it streams); ``severity`` as the config gives it."""
    summary = Summary(top_comments=top_comments, severity=dict(severity or DEFAULT_SEVERITY))
    for row in rows:
        summary.add(row)
    return summary

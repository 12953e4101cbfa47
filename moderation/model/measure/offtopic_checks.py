"""Off-topic checks: generic replies that fit any thread, and articles with their on-topic comments and intruders.

``datasets/offtopic_checks/checks.toml`` holds what off-topic scoring must tell apart. Generic replies
("Agreed.", "Source?", "Thanks for covering this.") are as close to any article as to their own and are
never off-topic; comments about another subject, and spam, are. Each article comes with readers'
comments on its subject, replies that answer one of those comments about something only the parent
raised (on topic in their thread even though the article says nothing of it), and intruders: comments
about an unrelated subject and spam.

Generic replies are split by a stable hash of their text: about half are "train", usable as negatives
when training relevance (a generic comment moved to another article is still not off-topic), and the
rest "heldout", for measuring only. The articles and their threads are for measuring only; none of them
is split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from moderation.errors import DatasetError
from moderation.model.measure.splits import is_heldout
from moderation.model.measure.tomlfile import entries, read_toml

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "datasets" / "offtopic_checks" / "checks.toml"
"""Where the set lives in a source checkout (``datasets/`` is not part of the installed package)."""

GENERIC_KINDS = ("phatic", "agreement", "disagreement", "thanks", "question", "reaction", "meta")
INTRUDER_KINDS = ("foreign", "spam")
GENERIC_HELDOUT_SHARE = 0.5
SPLIT_SALT = "offtopic-generic-0"
"""Part of every hashed key; changing it reshuffles the split, so it is fixed."""

Split = Literal["train", "heldout"]


@dataclass(frozen=True, slots=True)
class GenericReply:
    """A reply that belongs in any comment thread."""

    text: str
    kind: str
    split: Split


@dataclass(frozen=True, slots=True)
class ThreadReply:
    """An on-topic reply to ``on_topic[parent]`` of its article, about something the parent raised."""

    parent: int
    text: str


@dataclass(frozen=True, slots=True)
class Intruder:
    """A comment that does not belong under the article: about another subject (``foreign``) or spam."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class CheckArticle:
    """An article with the comments that belong under it and the ones that do not."""

    id: str
    title: str
    body: str
    on_topic: tuple[str, ...]
    replies: tuple[ThreadReply, ...]
    intruders: tuple[Intruder, ...]


@dataclass(frozen=True, slots=True)
class OffTopicChecks:
    """The whole file, in file order."""

    generic: tuple[GenericReply, ...]
    articles: tuple[CheckArticle, ...]


def generic_split(text: str) -> Split:
    """The side of the split a generic reply falls on, by a stable hash of its text."""
    return "heldout" if is_heldout(f"{SPLIT_SALT}:{text}", GENERIC_HELDOUT_SHARE) else "train"


def load_offtopic_checks(path: str | Path = DEFAULT_PATH) -> OffTopicChecks:
    """Read and check the file.

    Raises:
        DatasetError: the file cannot be read, is not TOML, or an entry is malformed (the message names
            the file and the entry).
    """
    path = Path(path)
    data = read_toml(path, ("generic", "article"))
    generic = tuple(_generic(path, n, e) for n, e in enumerate(entries(path, data, "generic"), 1))
    articles = tuple(_article(path, n, e) for n, e in enumerate(entries(path, data, "article"), 1))
    seen: dict[str, int] = {}
    for n, reply in enumerate(generic, 1):
        key = " ".join(reply.text.casefold().split())
        if key in seen:
            raise DatasetError(f"{path}: [[generic]] #{n}: {reply.text!r} repeats [[generic]] #{seen[key]}")
        seen[key] = n
    ids: set[str] = set()
    for n, article in enumerate(articles, 1):
        if article.id in ids:
            raise DatasetError(f"{path}: [[article]] #{n}: id {article.id!r} is used twice")
        ids.add(article.id)
    return OffTopicChecks(generic, articles)


def _fields(where: str, entry: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    extra = sorted(set(entry) - set(keys))
    if extra:
        raise DatasetError(f"{where}: unknown field {extra[0]!r} (fields: {', '.join(keys)})")
    missing = [k for k in keys if k not in entry]
    if missing:
        raise DatasetError(f"{where}: missing field {missing[0]!r}")


def _text(where: str, name: str, value: object) -> str:
    if not isinstance(value, str):
        raise DatasetError(f"{where}: {name} must be a string, not {value!r}")
    if not value.strip():
        raise DatasetError(f"{where}: {name} is empty")
    if value != value.strip():
        raise DatasetError(f"{where}: {name} has leading or trailing spaces")
    return value


def _kind(where: str, value: object, kinds: tuple[str, ...]) -> str:
    if value not in kinds:
        raise DatasetError(f"{where}: unknown kind {value!r} (kinds: {', '.join(kinds)})")
    return str(value)


def _generic(path: Path, n: int, entry: Mapping[str, Any]) -> GenericReply:
    where = f"{path}: [[generic]] #{n}"
    _fields(where, entry, ("text", "kind"))
    text = _text(where, "text", entry["text"])
    where = f"{where} ({text!r})"
    return GenericReply(text=text, kind=_kind(where, entry["kind"], GENERIC_KINDS), split=generic_split(text))


def _prose(where: str, name: str, value: object) -> str:
    """Hard-wrapped text as prose: lines of a paragraph joined by spaces, paragraphs by one blank line."""
    if not isinstance(value, str):
        raise DatasetError(f"{where}: {name} must be a string, not {value!r}")
    paragraphs = [" ".join(p.split()) for p in value.strip().split("\n\n")]
    prose = "\n\n".join(p for p in paragraphs if p)
    if not prose:
        raise DatasetError(f"{where}: {name} is empty")
    return prose


def _list(where: str, name: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise DatasetError(f"{where}: {name} must be a list, not {value!r}")
    return value


def _article(path: Path, n: int, entry: Mapping[str, Any]) -> CheckArticle:
    ident = entry.get("id")
    where = f"{path}: [[article]] #{n}" + (f" (id {ident!r})" if isinstance(ident, str) and ident else "")
    _fields(where, entry, ("id", "title", "body", "on_topic", "replies", "intruders"))
    on_topic = tuple(
        _text(f"{where}: on_topic[{k}]", "comment", c)
        for k, c in enumerate(_list(where, "on_topic", entry["on_topic"]))
    )
    replies = []
    for k, reply in enumerate(_list(where, "replies", entry["replies"])):
        at = f"{where}: replies[{k}]"
        if not isinstance(reply, dict):
            raise DatasetError(f'{at}: must be a table {{ parent = N, text = "..." }}')
        _fields(at, reply, ("parent", "text"))
        parent = reply["parent"]
        if isinstance(parent, bool) or not isinstance(parent, int) or not 0 <= parent < len(on_topic):
            raise DatasetError(f"{at}: parent must index on_topic (0 to {len(on_topic) - 1}), not {parent!r}")
        replies.append(ThreadReply(parent=parent, text=_text(at, "text", reply["text"])))
    intruders = []
    for k, intruder in enumerate(_list(where, "intruders", entry["intruders"])):
        at = f"{where}: intruders[{k}]"
        if not isinstance(intruder, dict):
            raise DatasetError(f'{at}: must be a table {{ kind = "foreign" or "spam", text = "..." }}')
        _fields(at, intruder, ("kind", "text"))
        intruders.append(
            Intruder(kind=_kind(at, intruder["kind"], INTRUDER_KINDS), text=_text(at, "text", intruder["text"]))
        )
    return CheckArticle(
        id=_text(where, "id", entry["id"]),
        title=_text(where, "title", entry["title"]),
        body=_prose(where, "body", entry["body"]),
        on_topic=on_topic,
        replies=tuple(replies),
        intruders=tuple(intruders),
    )


def counts_table(checks: OffTopicChecks) -> str:
    """Generic replies per kind and side of the split, then the articles' comments, as in the set's card."""
    lines = ["| generic replies | train | heldout |", "|---|---:|---:|"]
    for kind in (*GENERIC_KINDS, None):
        of_kind = [g for g in checks.generic if kind is None or g.kind == kind]
        train = sum(g.split == "train" for g in of_kind)
        lines.append(f"| {kind or 'all'} | {train} | {len(of_kind) - train} |")
    lines += ["", "| article | body words | on topic | replies | foreign | spam |", "|---|---:|---:|---:|---:|---:|"]
    for a in checks.articles:
        foreign = sum(i.kind == "foreign" for i in a.intruders)
        lines.append(
            f"| {a.id} | {len(a.body.split())} | {len(a.on_topic)} | {len(a.replies)} | {foreign} |"
            f" {len(a.intruders) - foreign} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(counts_table(load_offtopic_checks()))


def check_rows(checks: OffTopicChecks, generic_per_article: int = 20) -> list[dict[str, Any]]:
    """The checks as a labeled file: each article's on-topic comments and replies (off_topic 0), its intruders
    (1), and held-out generic replies (0) spread over the articles, ``generic_per_article`` at most each.

    Rows carry ``kind`` (on_topic, reply, generic, foreign, spam) so flag rates can be read per kind.
    """
    heldout = [g for g in checks.generic if g.split == "heldout"]
    rows: list[dict[str, Any]] = []
    for n, article in enumerate(checks.articles):
        context = {"article_id": article.id, "article_title": article.title, "article_text": article.body}
        ids = [f"{article.id}-c{k}" for k in range(len(article.on_topic))]
        rows += [
            {"id": ids[k], "text": text, "off_topic": 0, "kind": "on_topic", **context}
            for k, text in enumerate(article.on_topic)
        ]
        rows += [
            {"id": f"{article.id}-r{k}", "text": r.text, "parent_id": ids[r.parent], "off_topic": 0, "kind": "reply"}
            | context
            for k, r in enumerate(article.replies)
        ]
        rows += [
            {"id": f"{article.id}-x{k}", "text": x.text, "off_topic": 1, "kind": x.kind, **context}
            for k, x in enumerate(article.intruders)
        ]
        share = heldout[n * generic_per_article : (n + 1) * generic_per_article]
        rows += [
            {"id": f"{article.id}-g{k}", "text": g.text, "off_topic": 0, "kind": "generic", **context}
            for k, g in enumerate(share)
        ]
    return rows


def flag_rates(rows: Sequence[Mapping[str, Any]], flagged: Sequence[bool]) -> dict[str, dict[str, int]]:
    """Per kind of row: how many there are and how many were flagged off-topic."""
    out: dict[str, dict[str, int]] = {}
    for row, flag in zip(rows, flagged, strict=True):
        kind = out.setdefault(str(row.get("kind")), {"n": 0, "flagged": 0})
        kind["n"] += 1
        kind["flagged"] += int(bool(flag))
    return out

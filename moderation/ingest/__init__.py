"""Sources -> records: scraped pages, JSONL/CSV exports and WordPress WXR files.

``iter_records`` streams ``Article``, ``Comment`` and ``Rejected`` records in input order;
an article is always yielded before the first comment that refers to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from moderation.errors import InputError
from moderation.ingest.disqus import iter_disqus
from moderation.ingest.pages import page_article_id, read_page
from moderation.ingest.tabular import iter_csv, iter_jsonl, read_articles
from moderation.ingest.textio import MAX_LINE_BYTES, STDIN, check_encoding, display_path, read_text
from moderation.ingest.wxr import iter_wxr
from moderation.records import Article, Comment, Record, Rejected

FORMATS: tuple[str, ...] = ("page", "jsonl", "csv", "wxr", "disqus")
SUFFIXES: dict[str, str] = {
    ".txt": "page",
    ".text": "page",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".xml": "wxr",
    ".wxr": "wxr",
}

__all__ = [
    "FORMATS",
    "Article",
    "Comment",
    "Rejected",
    "detect_format",
    "expand_paths",
    "iter_records",
    "read_articles",
]


def detect_format(path: str) -> str:
    """The reader for a path, from its extension; stdin is JSONL."""
    if path == STDIN:
        return "jsonl"
    fmt = SUFFIXES.get(Path(path).suffix.lower())
    if fmt == "wxr" and _sniff_disqus(path):
        return "disqus"
    if fmt is None:
        raise InputError(
            f"unknown format {Path(path).suffix or '(no extension)'}; pass --format ({', '.join(FORMATS)})",
            path=path,
        )
    return fmt


def _sniff_disqus(path: str) -> bool:
    """XML exports share an extension: a ``<disqus`` root near the top tells them apart."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False  # the reader reports the file error with its own words
    return b"<disqus" in head


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files as given; a directory stands for its readable files, sorted by name."""
    out: list[str] = []
    for given in paths:
        path = Path(given)
        if given != STDIN and path.is_dir():
            found = sorted(
                str(child)
                for child in path.rglob("*")
                if child.is_file()
                and child.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )
            if not found:
                raise InputError("no readable files in directory", path=given)
            out.extend(found)
        else:
            out.append(given)
    return out


def iter_records(
    paths: Iterable[str],
    *,
    fmt: str | None = None,
    encoding: str = "utf-8",
    articles: Mapping[str, Article] | None = None,
    strict: bool = True,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[Record]:
    """Every record of every source, in order.

    With ``strict`` the first malformed record raises ``InputError``; otherwise it is
    yielded as ``Rejected`` with its reason, so count in = comments + rejected. No physical line
    longer than ``max_line_bytes`` is read into memory: it is a malformed record naming its line.
    """
    check_encoding(encoding)
    announced: set[str] = set()
    for path in expand_paths(paths):
        kind = fmt or detect_format(path)
        for record in _read_one(path, kind, encoding, strict, max_line_bytes):
            if isinstance(record, Comment) and articles and record.article_id in articles:
                if record.article_id not in announced:
                    announced.add(record.article_id)
                    yield articles[record.article_id]
            elif isinstance(record, Article):
                announced.add(record.id)
                if articles and record.id in articles:
                    record = _merge(articles[record.id], record)
            yield record


def _merge(given: Article, inline: Article) -> Article:
    """An article from ``--articles`` fills in what an inline one lacks."""
    return Article(
        id=given.id,
        title=inline.title or given.title,
        text=inline.text or given.text,
        url=inline.url or given.url,
    )


def _read_one(path: str, kind: str, encoding: str, strict: bool, max_line_bytes: int) -> Iterator[Record]:
    """One source's records; without ``strict`` an unreadable file becomes one rejection."""
    try:
        yield from _read_source(path, kind, encoding, strict, max_line_bytes)
    except InputError as err:
        if strict:
            raise
        where = err.path or display_path(path)
        yield Rejected(f"{where}:{err.line}" if err.line else where, f"file not read further: {err.reason}")


def _read_source(path: str, kind: str, encoding: str, strict: bool, max_line_bytes: int) -> Iterator[Record]:
    if kind == "page":
        shown = display_path(path)
        text = read_text(path, encoding=encoding, max_line_bytes=max_line_bytes)
        article, comments = read_page(text, article_id=page_article_id(Path(shown)), path=shown)
        yield article
        yield from comments
    elif kind == "jsonl":
        yield from iter_jsonl(path, encoding=encoding, strict=strict, max_line_bytes=max_line_bytes)
    elif kind == "csv":
        yield from iter_csv(path, encoding=encoding, strict=strict, max_line_bytes=max_line_bytes)
    elif kind == "wxr":
        yield from iter_wxr(path, encoding=encoding, strict=strict, max_line_bytes=max_line_bytes)
    elif kind == "disqus":
        yield from iter_disqus(path, encoding=encoding, strict=strict, max_line_bytes=max_line_bytes)
    else:
        raise InputError(f"unknown format {kind!r}; expected one of {', '.join(FORMATS)}", path=path)

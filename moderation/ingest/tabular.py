"""JSONL and CSV comment exports, and the articles files that go with them.

A comment row needs ``id`` and ``text``; ``article_id``, ``author``, ``parent_id``,
``created_at``, ``article_title``, ``article_text`` and ``article_url`` are optional. Common
export spellings are accepted too (``comment_id``, ``comment_text``, ``body`` ...).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from moderation.errors import InputError
from moderation.identity import comment_key, derived_article_id
from moderation.ingest.textio import (
    MAX_LINE_BYTES,
    OverlongLine,
    decode_line,
    display_path,
    iter_lines,
    looks_binary,
    open_binary,
)
from moderation.records import Article, Comment, Record, Rejected

COMMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "comment_id", "cid", "_id"),
    "text": ("text", "comment_text", "comment", "body", "content", "message"),
    "article_id": ("article_id", "post_id", "story_id", "thread_id", "asset_id"),
    "author": ("author", "comment_author", "user", "username", "user_name"),
    "parent_id": ("parent_id", "parent", "reply_to", "in_reply_to"),
    "created_at": ("created_at", "date", "timestamp", "time", "comment_date", "posted_at"),
    "article_title": ("article_title", "post_title", "story_title"),
    "article_text": ("article_text", "post_text", "story_text", "article_body"),
    "article_url": ("article_url", "post_url", "url"),
}
"""Our field name -> the column names that may carry it, first match wins."""

ARTICLE_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "post_id"),
    "title": ("title", "article_title", "headline"),
    "text": ("text", "article_text", "body", "content"),
    "url": ("url", "link", "article_url"),
}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _resolve(header: Iterable[str], fields: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Map our field names to the columns of this file (case-insensitive)."""
    by_lower = {name.strip().lower(): name for name in header}
    resolved: dict[str, str] = {}
    for ours, spellings in fields.items():
        for spelling in spellings:
            if spelling in by_lower:
                resolved[ours] = by_lower[spelling]
                break
    return resolved


def _scalar(value: Any) -> str | None:
    """A cell as a stripped string; empty and null become None."""
    if type(value) is str:  # most cells: no conversion to decide
        return value.strip() or None
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


class RowReader:
    """Turns mapped rows into records; remembers which article it last announced."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._announced: dict[str, int] = {}
        self._columns: dict[tuple[str, ...], dict[str, str]] = {}

    def columns(self, row: Mapping[str, Any]) -> dict[str, str]:
        """``_resolve`` of this row's keys, remembered: the rows of one export share their keys."""
        keys = tuple(row)
        found = self._columns.get(keys)
        if found is None:
            if len(self._columns) > 1000:  # rows with ever-changing keys: do not grow without bound
                self._columns.clear()
            found = self._columns[keys] = _resolve(keys, COMMENT_FIELDS)
        return found

    def records(
        self, row: Mapping[str, Any], columns: Mapping[str, str], line: int, *, valid_utf8: bool = False
    ) -> list[Record]:
        """The article (when the row brings a new one) and the comment of one row, or why it is rejected.

        ``valid_utf8`` says the row's strings are known to be valid UTF-8 already, so they need no surrogate check.
        """
        where = f"{self.path}:{line}"
        values = {name: row.get(column) for name, column in columns.items()}
        text = values.get("text")
        if text is not None and not isinstance(text, str):
            return [Rejected(where, "`text` is not a string", _raw(row))]
        text = text.strip() if text is not None else None
        if not text:
            known = _scalar(values.get("id"))  # a reply to this row can then say its parent is gone
            key = comment_key(_scalar(values.get("article_id")), known) if known else None
            return [Rejected(where, "missing `text`" if text is None else "empty `text`", _raw(row), key)]
        if not valid_utf8 and _unpaired_surrogate(values.values()):
            return [Rejected(where, "unpaired UTF-16 surrogate (\\ud800-\\udfff) in a field", _raw(row))]
        comment_id = _scalar(values.get("id"))
        if comment_id is None:
            return [Rejected(where, "missing `id`", _raw(row))]
        out: list[Record] = []
        article_id = _scalar(values.get("article_id"))
        title, body = _scalar(values.get("article_title")), _scalar(values.get("article_text"))
        if title or body:
            url = _scalar(values.get("article_url"))
            article_id = article_id or derived_article_id(url, title, body)
            article = Article(id=article_id, title=title, text=body or "", url=url)
            key = hash((article.title, article.text, article.url))
            if self._announced.get(article_id) != key:
                self._announced[article_id] = key
                out.append(article)
        out.append(
            Comment(
                id=comment_id,
                text=text,
                article_id=article_id,
                author=_scalar(values.get("author")),
                parent_id=_scalar(values.get("parent_id")),
                created_at=_scalar(values.get("created_at")),
                source=where,
            )
        )
        return out


def parse_json_line(line: str, *, path: str, line_number: int) -> Any:
    """One JSON value; hostile values (nesting past the recursion limit, numbers too long to
    convert) are bad input like any syntax error, not a crash."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(f"invalid JSON: {err.msg} (column {err.colno})", path=path, line=line_number) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", path=path, line=line_number) from None
    except ValueError as err:  # e.g. an integer of more than 4300 digits
        raise InputError(f"unreadable JSON value: {str(err).split(':')[0]}", path=path, line=line_number) from None


def _unpaired_surrogate(values: Iterable[Any]) -> bool:
    """JSON may spell half a surrogate pair (``"\\ud800"``); such text cannot be written as UTF-8."""
    for value in values:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def _raw(row: Mapping[str, Any]) -> str:
    return json.dumps(dict(row), ensure_ascii=False, default=str)[:2000]


def iter_jsonl(path: str, *, encoding: str, strict: bool, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Record]:
    """One JSON object per line; blank lines are allowed; a line past ``max_line_bytes`` is rejected."""
    shown = display_path(path)
    reader = RowReader(shown)
    utf8 = codecs.lookup(encoding).name == "utf-8"
    stream = open_binary(path)
    try:
        for number, raw in iter_lines(stream, max_line_bytes):
            if isinstance(raw, OverlongLine):
                if strict:
                    raise raw.error(path=shown, line=number)
                yield Rejected(f"{shown}:{number}", raw.reason, raw.head.decode(encoding, "replace"))
                continue
            if not raw or raw.isspace():  # blank (no stripped copy of every line)
                continue
            row = _quick_row(raw) if utf8 else None
            if row is not None:
                records = reader.records(row, reader.columns(row), number, valid_utf8=True)
                if not isinstance(records[0], Rejected):
                    yield from records
                    continue
            try:
                if looks_binary(raw):
                    raise InputError("binary data (NUL bytes), not JSON text", path=shown, line=number)
                line = decode_line(raw, encoding=encoding, path=shown, line_number=number)
                row = parse_json_line(line, path=shown, line_number=number)
                if not isinstance(row, dict):
                    raise InputError(f"expected a JSON object, got {type(row).__name__}", path=shown, line=number)
            except InputError as err:
                if strict:
                    raise
                yield Rejected(f"{shown}:{number}", err.reason, raw.decode(encoding, "replace")[:2000])
                continue
            yield from _checked(reader.records(row, reader.columns(row), number), strict)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _quick_row(raw: bytes) -> dict[str, Any] | None:
    """A UTF-8 line parsed by orjson, or None when it needs the careful reading.

    orjson is several times faster than the json module and refuses what the careful path must word
    itself (invalid UTF-8, unpaired surrogates, NaN, nesting past its depth limit). What it reads
    differently is left to the careful path too: numbers past 64 bits, which it turns into floats (so a row
    with a float at the top is read again), and a byte-order mark at the start of a concatenated file.
    Rows the careful path would reject are read again by it as well, so every rejection keeps its words.
    """
    if raw.startswith(codecs.BOM_UTF8) or b"\x00" in raw:
        return None
    try:
        row = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(row) is not dict or float in map(type, row.values()):
        return None
    return row


def _checked(records: list[Record], strict: bool) -> Iterator[Record]:
    for record in records:
        if strict and isinstance(record, Rejected):
            path, _, line = record.source.rpartition(":")
            raise InputError(record.reason, path=path, line=int(line))
        yield record


class _LineFeed:
    """Feeds decoded physical lines to ``csv.reader``, remembering lines that could not be read and why."""

    def __init__(self, path: str, encoding: str, strict: bool, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.path, self.encoding, self.strict = path, encoding, strict
        self.max_line_bytes = max_line_bytes
        self.bad_lines: dict[int, str] = {}
        self.number = 0

    def lines(self, stream: io.BufferedIOBase) -> Iterator[str]:
        for number, raw in iter_lines(stream, self.max_line_bytes):
            self.number = number
            if isinstance(raw, OverlongLine):
                if self.strict:
                    raise raw.error(path=self.path, line=number)
                self.bad_lines[number] = raw.reason
                yield "\n"  # the row it belongs to is rejected for it
                continue
            if looks_binary(raw):
                if self.strict:
                    raise InputError("binary data (NUL bytes), not CSV text", path=self.path, line=number)
                self.bad_lines[number] = f"undecodable bytes as {self.encoding}"
                raw = raw.replace(b"\x00", b"")
            try:
                yield decode_line(raw, encoding=self.encoding, path=self.path, line_number=number) + "\n"
            except InputError:
                if self.strict:
                    raise
                self.bad_lines[number] = f"undecodable bytes as {self.encoding}"
                yield raw.decode(self.encoding, "replace") + "\n"


def iter_csv(path: str, *, encoding: str, strict: bool, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[Record]:
    """A CSV (or TSV) export with a header row; cells may span lines when quoted."""
    shown = display_path(path)
    delimiter = "\t" if str(path).lower().endswith(".tsv") else ","
    feed = _LineFeed(shown, encoding, strict, max_line_bytes)
    stream = open_binary(path)
    try:
        rows = csv.reader(feed.lines(stream), delimiter=delimiter)
        try:
            header = next(rows)
        except StopIteration:
            raise InputError("empty file: expected a header row with `id` and `text`", path=shown) from None
        except csv.Error as err:
            raise InputError(f"malformed CSV header: {err}", path=shown, line=1) from None
        columns = _resolve(header, COMMENT_FIELDS)
        missing = [name for name in ("id", "text") if name not in columns]
        if missing:
            raise InputError(
                f"no {' or '.join(f'`{m}`' for m in missing)} column in header "
                f"(found: {', '.join(header[:12]) or 'nothing'})",
                path=shown,
                line=1,
            )
        reader = RowReader(shown)
        start = rows.line_num + 1
        while True:
            try:
                cells = next(rows)
            except StopIteration:
                break
            except csv.Error as err:
                if strict:
                    raise InputError(f"malformed CSV: {err}", path=shown, line=start) from None
                yield Rejected(f"{shown}:{start}", f"malformed CSV: {err}")
                start = feed.number + 1
                continue
            end = rows.line_num
            line, start = start, end + 1
            bad = next((feed.bad_lines[n] for n in range(line, end + 1) if n in feed.bad_lines), None)
            if bad is not None:
                yield Rejected(f"{shown}:{line}", bad, ",".join(cells)[:2000] or None)
                continue
            if not cells or all(not cell.strip() for cell in cells):
                continue
            swallowed = _swallowed_rows(cells, header, columns) if end > line else 0
            if swallowed:
                reason = (
                    f"a quote opened on line {line} closes only on line {end}: the cell holds {swallowed} "
                    "lines that look like later rows; fix the quoting"
                )
                if strict:
                    raise InputError(reason, path=shown, line=line)
                yield Rejected(f"{shown}:{line}-{end}", reason, ",".join(cells)[:2000])
                continue
            if len(cells) != len(header):
                reason = f"expected {len(header)} fields, found {len(cells)}"
                if strict:
                    raise InputError(reason, path=shown, line=line)
                yield Rejected(f"{shown}:{line}", reason, ",".join(cells)[:2000])
                continue
            yield from _checked(reader.records(dict(zip(header, cells, strict=False)), columns, line), strict)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _id_shape(comment_id: str) -> re.Pattern[str] | None:
    """What this file's ids look like (123, c123, post-123), to spot a row swallowed by a stray quote."""
    match = re.fullmatch(r"([A-Za-z_-]*)(\d+)", comment_id.strip())
    return re.compile(re.escape(match.group(1)) + r"\d+") if match else None


def _swallowed_rows(cells: list[str], header: list[str], columns: Mapping[str, str]) -> int:
    """Lines inside a multi-line cell that parse as whole rows with an id shaped like this row's.

    An unclosed quote makes the csv module run the following rows into one cell until some later
    quote closes it; a real multi-line comment rarely has lines that are full rows with such ids.
    """
    position = header.index(columns["id"])
    shape = _id_shape(cells[position]) if position < len(cells) else None
    if shape is None:
        return 0
    found = 0
    for cell in cells:
        for embedded in cell.split("\n")[1:]:
            try:
                fields = next(csv.reader([embedded]), [])
            except csv.Error:
                continue
            if len(fields) == len(header) and shape.fullmatch(fields[position].strip()):
                found += 1
    return found


def read_articles(path: str, *, encoding: str) -> dict[str, Article]:
    """An articles file (JSONL or CSV with ``id``, ``title``, ``text``), read whole."""
    shown = display_path(path)
    rows: Iterator[tuple[int, dict[str, Any]]]
    rows = csv_dicts(path, encoding) if str(path).lower().endswith((".csv", ".tsv")) else jsonl_dicts(path, encoding)
    articles: dict[str, Article] = {}
    for line, row in rows:
        columns = _resolve(row.keys(), ARTICLE_FIELDS)
        article_id = _scalar(row.get(columns.get("id", ""), None))
        if article_id is None:
            raise InputError("article without `id`", path=shown, line=line)
        text = row.get(columns["text"]) if "text" in columns else ""
        articles[article_id] = Article(
            id=article_id,
            title=_scalar(row.get(columns["title"])) if "title" in columns else None,
            text=text.strip() if isinstance(text, str) else "",
            url=_scalar(row.get(columns["url"])) if "url" in columns else None,
        )
    return articles


def jsonl_dicts(path: str, encoding: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each JSON line; InputError naming the line on bad input."""
    shown = display_path(path)
    stream = open_binary(path)
    try:
        for number, raw in iter_lines(stream):
            if isinstance(raw, OverlongLine):
                raise raw.error(path=shown, line=number)
            if not raw.strip():
                continue
            line = decode_line(raw, encoding=encoding, path=shown, line_number=number)
            row = parse_json_line(line, path=shown, line_number=number)
            if not isinstance(row, dict):
                raise InputError("expected a JSON object", path=shown, line=number)
            yield number, row
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def csv_dicts(path: str, encoding: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) for each CSV row by its header; InputError naming the line on bad input."""
    shown = display_path(path)
    feed = _LineFeed(shown, encoding, strict=True)
    stream = open_binary(path)
    try:
        reader = csv.DictReader(feed.lines(stream), delimiter="\t" if path.lower().endswith(".tsv") else ",")
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as err:
            raise InputError(f"malformed CSV: {err}", path=shown, line=reader.line_num) from None
    finally:
        stream.close()

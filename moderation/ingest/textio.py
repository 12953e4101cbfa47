"""Decoding input bytes with errors that name the file and line, never a traceback."""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from moderation.errors import InputError

STDIN = "-"
MAX_LINE_BYTES = 4 * 2**20
"""The longest physical line read (4 MiB): a longer one is reported, never held whole in memory."""
_SKIP_CHUNK = 2**20


def encoding_hint(encoding: str) -> str:
    other = "cp1252" if encoding.lower().replace("-", "") in {"utf8", "utf8sig"} else "utf-8"
    return f"pass --encoding (for example --encoding {other})"


def check_encoding(encoding: str) -> str:
    """Fail early, with the CLI's words, on an encoding Python does not know."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    return encoding


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class _Utf8View:
    """A UTF-16 or UTF-32 file (as Windows tools write them) read as UTF-8 lines, decoded as it streams."""

    def __init__(self, stream: BinaryIO, encoding: str) -> None:
        self._stream = stream
        self._text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")

    def __iter__(self) -> Iterator[bytes]:
        for line in self._text:
            yield line.encode("utf-8", "surrogatepass")

    def readline(self, limit: int = -1) -> bytes:
        """At most ``limit`` characters (so a few times as many bytes at most) of the next line."""
        return self._text.readline(limit).encode("utf-8", "surrogatepass")

    def read(self) -> bytes:
        return self._text.read().encode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._text.close()


def open_binary(path: str) -> BinaryIO:
    """A source file as bytes; UTF-16/32 files with a byte-order mark come out as UTF-8."""
    if path == STDIN:
        return sys.stdin.buffer
    try:
        stream = open(path, "rb")  # noqa: SIM115
        head = stream.peek(4)[:4]
        for bom, encoding in _WIDE_BOMS:
            if head.startswith(bom):
                return _Utf8View(stream, encoding)  # type: ignore[return-value]
        return stream
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a directory", path=path) from None
    except OSError as err:
        raise InputError(f"cannot open: {err.strerror}", path=path) from None


def looks_binary(chunk: bytes) -> bool:
    """NUL bytes do not occur in text in any single-byte or UTF-8 encoding."""
    return b"\x00" in chunk


def decode_line(raw: bytes, *, encoding: str, path: str, line_number: int) -> str:
    """One line as text; a byte-order mark at its start (files concatenated from several exports) is dropped."""
    try:
        return raw.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise InputError(
            f"cannot decode byte {raw[err.start]:#04x} at column {err.start + 1} as {encoding}; "
            f"{encoding_hint(encoding)}",
            path=path,
            line=line_number,
        ) from None


def read_text(path: str, *, encoding: str, max_line_bytes: int = MAX_LINE_BYTES) -> str:
    """A whole file as text (for formats read as a whole, like scraped pages); no line may pass the cap."""
    stream = open_binary(path)
    lines: list[bytes] = []
    try:
        for number, raw in _raw_lines(stream, max_line_bytes):
            if isinstance(raw, OverlongLine):
                raise raw.error(path=display_path(path), line=number)
            lines.append(raw)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    data = b"".join(lines)
    if looks_binary(data[:65536]):
        raise InputError("looks like a binary file, not text (it contains NUL bytes)", path=path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(
            f"cannot decode byte {data[err.start]:#04x} as {encoding}; {encoding_hint(encoding)}",
            path=path,
            line=line,
        ) from None
    return text.removeprefix("\ufeff")


class OverlongLine:
    """A physical line past the cap: its first bytes (to show in a rejection) and its full length."""

    __slots__ = ("head", "limit", "size")

    def __init__(self, head: bytes, size: int, limit: int) -> None:
        self.head, self.size, self.limit = head, size, limit

    @property
    def reason(self) -> str:
        return (
            f"line of {self.size:,} bytes is longer than the {self.limit:,}-byte limit; "
            "raise --max-line-bytes to read it"
        )

    def error(self, *, path: str, line: int) -> InputError:
        return InputError(self.reason, path=path, line=line)


def _raw_lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | OverlongLine]]:
    """Physical lines as read, endings kept; a line past ``max_bytes`` is skipped in chunks and reported."""
    number = 0
    while True:
        raw = stream.readline(max_bytes + 2)  # room for the longest allowed line and its \r\n
        if not raw:
            return
        number += 1
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if len(raw.rstrip(b"\r\n")) <= max_bytes:
            yield number, raw
            continue
        size, head = len(raw), raw[:2000]
        while not raw.endswith(b"\n"):
            raw = stream.readline(_SKIP_CHUNK)
            if not raw:
                break
            size += len(raw)
        yield number, OverlongLine(head, size - (len(raw) - len(raw.rstrip(b"\r\n"))), max_bytes)


def iter_lines(stream: BinaryIO, max_bytes: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes | OverlongLine]]:
    """Physical lines with 1-based numbers, line endings removed.

    No line is held whole past ``max_bytes``: such a line comes out as an ``OverlongLine`` (the reader
    rejects it, naming the line) and reading goes on with the next one, so a multi-gigabyte minified
    line cannot exhaust memory.
    """
    for number, raw in _raw_lines(stream, max_bytes):
        yield number, raw if isinstance(raw, OverlongLine) else raw.rstrip(b"\r\n")


def display_path(path: str | Path) -> str:
    return "<stdin>" if str(path) == STDIN else str(path)

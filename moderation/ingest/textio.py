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


def read_text(path: str, *, encoding: str) -> str:
    """A whole file as text (for formats read as a whole, like scraped pages)."""
    stream = open_binary(path)
    try:
        data = stream.read()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
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


def iter_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Physical lines with 1-based numbers, line endings removed."""
    for number, raw in enumerate(stream, 1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        yield number, raw.rstrip(b"\r\n")


def display_path(path: str | Path) -> str:
    return "<stdin>" if str(path) == STDIN else str(path)

"""Reading the project's hand-written TOML sets: errors that name the file, arrays of tables checked."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from moderation.errors import DatasetError


def read_toml(path: Path, tables: tuple[str, ...]) -> dict[str, Any]:
    """The file's content; a top-level table other than ``tables`` is an error (a misspelt ``[[tempalte]]``
    would otherwise be silently ignored)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DatasetError(f"{path}: cannot read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise DatasetError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except tomllib.TOMLDecodeError as err:
        raise DatasetError(f"{path}: invalid TOML: {err}") from None
    unknown = sorted(set(data) - set(tables))
    if unknown:
        expected = ", ".join(f"[[{t}]]" for t in tables)
        raise DatasetError(f"{path}: unknown table {unknown[0]!r} (expected {expected})")
    return data


def entries(path: Path, data: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    """The ``[[kind]]`` tables of a file (none is an empty list)."""
    found = data.get(kind, [])
    if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
        raise DatasetError(f"{path}: {kind} must be an array of tables, written [[{kind}]]")
    return found

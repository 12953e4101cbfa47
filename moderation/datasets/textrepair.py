"""Reading corpus files whose encodings are not what they claim, and counting every repair."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]")


def fix_mojibake(text: str) -> tuple[str, bool]:
    """UTF-8 that was read as Windows-1252 ("donâ€™t") back to what was written ("don’t")."""
    if not _MOJIBAKE.search(text):
        return text, False
    try:
        fixed = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text, False
    return fixed, fixed != text


def read_lines(path: Path) -> tuple[list[str], int]:
    """A file's lines decoded as UTF-8 where valid, else as Windows-1252; returns lines and how many needed it."""
    lines, repaired = [], 0
    for raw in path.read_bytes().splitlines(keepends=True):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode("cp1252", errors="replace"))
            repaired += 1
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return lines, repaired


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

"""Reading corpus files whose encodings are not what they claim, and repairing text the way it was written.

Faults seen in the corpora: tweets cut inside a multi-byte UTF-8 character (OLID), single Windows-1252
bytes in UTF-8 files, UTF-8 read as Windows-1252 and saved again ("donâ€™t"), HTML entities left from
scraping ("&amp;", "&#128514;"), byte order marks inside text, HTML markup in forum posts, and curly
quotes already lost to U+FFFD.
Training on those artefacts teaches the model tokens that never occur in the comments it scores.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import re
from pathlib import Path

_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,7}|#[xX][0-9a-fA-F]{2,6});")
_TAG = re.compile(r"<(?:/?[a-zA-Z][^<>]{0,300}|!--.*?--)>", re.DOTALL)
_BLOCK_TAG = re.compile(r"<(?:br|/p|/div|/li)\b[^<>]*>", re.IGNORECASE)
_LOST_APOSTROPHE = re.compile(r"(?<=\w)\ufffd(?=\w)")
_UTF8_LEAD = range(0xC2, 0xF5)
_PUNCTUATION_OR_EMOJI_LEAD = (0xE2, 0xF0)  # as Windows-1252 "â" and "ð", rare at the end of a word
_FIELD_ENDS = (b"", b"\t", b",", b'"', b"\r", b"\n")


def _repair_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a cut-off UTF-8 character is dropped, any other stray byte read as Windows-1252.

    A character was cut off when a lead byte is followed by some of its continuation bytes, or when the lead
    byte of punctuation or an emoji stands alone at the end of a field (tweets truncated mid-character);
    any other lone byte is a Windows-1252 character ("caf\\xe9 is closed", "caf\\xe9,").
    """
    assert isinstance(error, UnicodeDecodeError)
    data, start, end = error.object, error.start, error.end
    lone_at_field_end = data[start] in _PUNCTUATION_OR_EMOJI_LEAD and data[end : end + 1] in _FIELD_ENDS
    cut = data[start] in _UTF8_LEAD and (end - start > 1 or lone_at_field_end)
    if cut and all(0x80 <= b < 0xC0 for b in data[start + 1 : end]):
        return "", end
    return data[start : start + 1].decode("cp1252", errors="replace"), start + 1


codecs.register_error("moderation-repair", _repair_bytes)


def decode(raw: bytes) -> tuple[str, bool]:
    """Bytes as UTF-8, repairing what is not; returns the text and whether it needed a repair."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="moderation-repair"), True


def fix_mojibake(text: str) -> tuple[str, bool]:
    """UTF-8 that was read as Windows-1252 ("donâ€™t") back to what was written ("don’t")."""
    if not _MOJIBAKE.search(text):
        return text, False
    try:
        fixed = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text, False
    return fixed, fixed != text


def unescape_entities(text: str) -> tuple[str, bool]:
    """HTML entities left in scraped text ("&amp;", "&#128514;", twice escaped "&amp;#9773;") as characters."""
    fixed = text
    for _ in range(2):
        if "&" not in fixed or not _ENTITY.search(fixed):
            break
        fixed = html.unescape(fixed)
    return fixed, fixed != text


def drop_byte_order_marks(text: str) -> tuple[str, bool]:
    """U+FEFF inside text (YouTube comments end with one) is an encoding artefact, never typed."""
    if "\ufeff" not in text:
        return text, False
    return text.replace("\ufeff", "").strip(), True


def restore_lost_apostrophes(text: str) -> tuple[str, bool]:
    """U+FFFD between letters ("didn�t") was an apostrophe; elsewhere the character is unknowable and kept."""
    if "\ufffd" not in text:
        return text, False
    fixed = _LOST_APOSTROPHE.sub("\u2019", text)
    return fixed, fixed != text


def repair_text(text: str) -> tuple[str, bool]:
    """Every text-level repair in turn; returns the text and whether any changed it."""
    changed = False
    for step in (fix_mojibake, unescape_entities, restore_lost_apostrophes, drop_byte_order_marks):
        text, fixed = step(text)
        changed |= fixed
    return text, changed


def strip_html(text: str) -> tuple[str, bool]:
    """Forum posts stored as HTML: markup removed, line breaks kept, entities decoded."""
    if "<" not in text or not _TAG.search(text):
        return text, False
    plain = _TAG.sub("", _BLOCK_TAG.sub("\n", text))
    plain = re.sub(r"[ \t]*\n\s*", "\n", plain).strip()
    return plain, True


def read_lines(path: Path) -> tuple[list[str], list[bool]]:
    """A file's lines, decoded and repaired, with a flag per line saying whether its bytes needed a repair."""
    lines, repaired = [], []
    for raw in path.read_bytes().splitlines(keepends=True):
        line, fixed = decode(raw)
        lines.append(line)
        repaired.append(fixed)
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return lines, repaired


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

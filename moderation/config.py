"""User settings that override the model's defaults: flag thresholds and label severity from a TOML file,
thresholds also from the command line.

A config file looks like::

    [thresholds]
    abuse = 0.7
    off_topic = 0.9

    [severity]          # which flags the review and the report put first: higher comes first
    abuse = 3
    conspiracy = 2
    off_topic = 1
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from moderation.errors import InputError
from moderation.harm import DEFAULT_SEVERITY
from moderation.labels import LABELS

_TABLE_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(#.*)?$")


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text (to find the line of a bad value) and what it holds."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read config: {err.strerror}", path=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("cannot read config: it is not UTF-8 text", path=str(path)) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"invalid TOML: {err}", path=str(path)) from None


def _line_of(text: str, table: str, key: str) -> int | None:
    """The line where ``key`` is set in ``[table]`` (or as ``table.key``; ``table=""``: at the top level).

    tomllib gives values without positions; a bad value is easier to fix when the error says where it is.
    None when the line cannot be told (an inline table, say): the error then names the file alone.
    """
    current: str | None = None
    quoted = rf"[\"']?{re.escape(key)}[\"']?"
    in_table = re.compile(rf"^\s*{quoted}\s*=")
    dotted = re.compile(rf"^\s*{re.escape(table)}\s*\.\s*{quoted}\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        header = _TABLE_HEADER.match(line)
        if header:
            current = header.group(1).strip("\"'")
            continue
        if (current == (table or None) and in_table.match(line)) or (table and current is None and dotted.match(line)):
            return number
    return None


def _table(text: str, data: dict[str, Any], name: str, what: str, path: Path) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise InputError(f"[{name}] must be a table of {what}", path=str(path), line=_line_of(text, "", name))
    return table


def _threshold(label: str, value: object, where: str, line: int | None = None) -> tuple[str, float]:
    if label not in LABELS:
        raise InputError(f"unknown label {label!r} in thresholds (labels: {', '.join(LABELS)})", path=where, line=line)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"threshold for {label} must be a number, not {value!r}", path=where, line=line) from None
    if not 0.0 <= number <= 1.0:
        raise InputError(f"threshold for {label} must be between 0 and 1, not {number}", path=where, line=line)
    return label, number


def load_thresholds(config: str | Path | None, overrides: Iterable[str] = ()) -> dict[str, float]:
    """Thresholds from the config file, then ``LABEL=VALUE`` overrides on top."""
    out: dict[str, float] = {}
    if config is not None:
        path = Path(config)
        text, data = _read(path)
        table = _table(text, data, "thresholds", "label = value", path)
        out.update(_threshold(k, v, str(path), _line_of(text, "thresholds", k)) for k, v in table.items())
    for item in overrides:
        label, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--threshold expects LABEL=VALUE, got {item!r}", path="command line")
        out.update([_threshold(label.strip(), value.strip(), "command line")])
    return out


def load_severity(config: str | Path | None) -> dict[str, float]:
    """How harmful each label is, for the order of the review queue and the report (see ``moderation.harm``).

    The config's ``[severity]`` table overrides the defaults label by label: a site that ranks conspiracy
    above abuse writes ``conspiracy = 4``; labels given the same number share a group, ranked by score.

    Raises:
        InputError: naming the file and line, for an unknown label or a value that is not a finite number.
    """
    out = {label: float(value) for label, value in DEFAULT_SEVERITY.items()}
    if config is None:
        return out
    path = Path(config)
    text, data = _read(path)
    for label, value in _table(text, data, "severity", "label = number", path).items():
        line = _line_of(text, "severity", label)
        if label not in LABELS:
            raise InputError(
                f"unknown label {label!r} in [severity] (labels: {', '.join(LABELS)})", path=str(path), line=line
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InputError(
                f"severity for {label} must be a number (higher comes first), not {value!r}", path=str(path), line=line
            )
        out[label] = float(value)
    return out


def load_reasons(config: str | Path | None) -> list[str] | None:
    """Removal reasons from the config's ``[review] reasons = [...]``, or None for the defaults."""
    if config is None:
        return None
    path = Path(config)
    text, data = _read(path)
    reasons = _table(text, data, "review", "settings", path).get("reasons")
    if reasons is None:
        return None
    if not isinstance(reasons, list) or not all(isinstance(r, str) and r.strip() for r in reasons) or not reasons:
        line = _line_of(text, "review", "reasons")
        raise InputError("[review] reasons must be a non-empty list of strings", path=str(path), line=line)
    return [r.strip() for r in reasons]

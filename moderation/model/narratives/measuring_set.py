"""The critical-not-conspiracy measuring set: hand-written statements for measuring conspiracy flags.

The file (``datasets/critical_not_conspiracy/statements.toml`` in the repository) holds two arrays of
``{ text, domain }`` tables: ``critical`` (criticism of governments, companies or media without a secret
plot, which must stay unflagged) and ``conspiratorial`` (positives). It measures the false-positive rate on
criticism; it is never training data, so it is read from a path and does not ship in the package.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from moderation.errors import InputError
from moderation.model.narratives.catalogue import DOMAINS, statement_key

_TABLES = ("critical", "conspiratorial")
_FIELDS = ("text", "domain")


@dataclass(frozen=True)
class MeasuredStatement:
    """One hand-written statement and whether it alleges a conspiracy."""

    text: str
    domain: str
    conspiratorial: bool


@dataclass(frozen=True)
class MeasuringSet:
    """Criticism without a plot (negatives) and conspiratorial statements (positives)."""

    critical: tuple[MeasuredStatement, ...]
    conspiratorial: tuple[MeasuredStatement, ...]

    @property
    def statements(self) -> tuple[MeasuredStatement, ...]:
        """Every statement, negatives first."""
        return self.critical + self.conspiratorial


def load_measuring_set(path: str | Path) -> MeasuringSet:
    """Read and check the measuring set.

    Raises:
        InputError: naming the file and the entry (``critical #12``) when the file cannot be read, a table
            is missing or empty, an entry lacks a field or has an unknown one, a domain is unknown, or a
            statement appears twice (up to case and spacing).
    """
    source = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", path=source) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; save the file as UTF-8", path=source) from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"invalid TOML: {err}", path=source) from None

    seen: dict[str, str] = {}
    parsed: dict[str, tuple[MeasuredStatement, ...]] = {}
    for table in _TABLES:
        entries = data.get(table)
        if not isinstance(entries, list) or not entries:
            raise InputError(f"{table!r} must be a non-empty array of {{ text, domain }} tables", path=source)
        rows = []
        for position, entry in enumerate(entries, start=1):
            label = f"{table} #{position}"
            row = _parse_entry(entry, label, conspiratorial=table == "conspiratorial", source=source)
            key = statement_key(row.text)
            if key in seen:
                raise InputError(f"{label} repeats {seen[key]}: {row.text!r}", path=source)
            seen[key] = label
            rows.append(row)
        parsed[table] = tuple(rows)
    return MeasuringSet(critical=parsed["critical"], conspiratorial=parsed["conspiratorial"])


def _parse_entry(entry: object, label: str, *, conspiratorial: bool, source: str) -> MeasuredStatement:
    if not isinstance(entry, dict):
        raise InputError(f"{label} must be a table {{ text, domain }}", path=source)
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise InputError(f"{label}: unknown field {unknown[0]!r} (fields: text, domain)", path=source)
    for field in _FIELDS:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{label}: {field!r} must be a non-empty string", path=source)
    domain = entry["domain"].strip()
    if domain not in DOMAINS:
        raise InputError(f"{label}: unknown domain {domain!r} (domains: {', '.join(DOMAINS)})", path=source)
    return MeasuredStatement(text=entry["text"].strip(), domain=domain, conspiratorial=conspiratorial)

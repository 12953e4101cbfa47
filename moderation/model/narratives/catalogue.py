"""The narrative catalogue: named conspiracy narratives that a conspiracy flag can point to.

The shipped catalogue is ``catalogue.toml`` beside this module. A site adds narratives, or replaces a
shipped one by reusing its id, with ``[[conspiracy.narrative]]`` tables in its config file. Every entry is
checked when it is read, and a bad one is an ``InputError`` naming the file and the narrative, because a
typo in a field name would otherwise silently drop a narrative the site meant to flag.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from moderation.errors import InputError

DOMAINS: tuple[str, ...] = (
    "geopolitics",
    "hidden-elites",
    "antisemitic-tropes",
    "migration",
    "elections",
    "health",
    "technology",
    "science-denial",
    "secret-societies",
    "satanic-cabal",
    "media-coverups",
    "deep-state",
    "other",
)
"""Fixed so that per-domain features keep their columns whichever narratives a site adds."""

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TEXT_FIELDS = ("id", "name", "domain", "description")
_LIST_FIELDS = ("statements", "critical")
_FIELDS = _TEXT_FIELDS + _LIST_FIELDS


@dataclass(frozen=True)
class Narrative:
    """One conspiracy narrative: what a moderator reads in a flag, and examples of how readers write it."""

    id: str
    name: str
    domain: str
    description: str
    statements: tuple[str, ...]
    critical: tuple[str, ...] = ()
    """Same-topic criticism without a plot: hard negatives that must stay unflagged."""


@dataclass(frozen=True)
class Catalogue:
    """The narratives in catalogue order, and the fixed list of domains they fall into."""

    narratives: tuple[Narrative, ...]
    domains: tuple[str, ...] = DOMAINS

    def __len__(self) -> int:
        return len(self.narratives)

    def __iter__(self) -> Iterator[Narrative]:
        return iter(self.narratives)

    def get(self, narrative_id: str) -> Narrative:
        """The narrative with this id; ``KeyError`` if there is none."""
        for narrative in self.narratives:
            if narrative.id == narrative_id:
                return narrative
        raise KeyError(narrative_id)

    def in_domain(self, domain: str) -> tuple[Narrative, ...]:
        """The narratives of one domain, in catalogue order."""
        return tuple(n for n in self.narratives if n.domain == domain)

    def fingerprint(self) -> str:
        """A short hash of the whole content, so a model can record which catalogue its features saw."""
        blob = json.dumps([asdict(n) for n in self.narratives], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def statement_key(text: str) -> str:
    """A statement compared up to case and spacing, for finding repeats."""
    return " ".join(text.lower().split())


def load_catalogue(path: str | Path = CATALOGUE_PATH) -> Catalogue:
    """Read and check a catalogue file (by default the shipped one).

    Raises:
        InputError: the file cannot be read, is not TOML, or holds a malformed or repeated narrative.
    """
    data = _read_toml(Path(path))
    narratives = parse_narratives(data.get("narrative"), source=str(path), table="narrative", critical_required=True)
    if not narratives:
        raise InputError("no [[narrative]] entries", path=str(path))
    return Catalogue(tuple(narratives))


def extend_catalogue(base: Catalogue, entries: object, *, source: str) -> Catalogue:
    """The catalogue plus a site's ``[[conspiracy.narrative]]`` entries, as parsed from its config file.

    An entry whose id is already in ``base`` replaces that narrative in place; new ones are appended.
    ``critical`` is optional in site entries.

    Args:
        base: the catalogue to extend, usually ``load_catalogue()``.
        entries: the config's ``conspiracy.narrative`` value (a list of tables), or None for no additions.
        source: the config file's path, named in errors.

    Raises:
        InputError: an entry is malformed, or two entries in the config share an id.
    """
    if entries is None:
        return base
    added = parse_narratives(entries, source=source, table="conspiracy.narrative", critical_required=False)
    by_id = {n.id: n for n in added}
    replaced = tuple(by_id.pop(n.id, n) for n in base.narratives)
    return Catalogue(replaced + tuple(n for n in added if n.id in by_id), base.domains)


def load_catalogue_with_config(config: str | Path | None, base: Catalogue | None = None) -> Catalogue:
    """The shipped catalogue (or ``base``) extended with the narratives in a config file, if one is given."""
    catalogue = base if base is not None else load_catalogue()
    if config is None:
        return catalogue
    path = Path(config)
    section = _read_toml(path).get("conspiracy")
    if section is None:
        return catalogue
    if not isinstance(section, dict):
        raise InputError("[conspiracy] must be a table", path=str(path))
    return extend_catalogue(catalogue, section.get("narrative"), source=str(path))


def parse_narratives(entries: object, *, source: str, table: str, critical_required: bool) -> list[Narrative]:
    """Check an array of narrative tables and turn it into ``Narrative`` records.

    Raises:
        InputError: naming ``source`` and the narrative (its id, or its position when the id is missing).
    """
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise InputError(f"[[{table}]] must be an array of tables", path=source)
    narratives: list[Narrative] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        narrative = _parse_one(entry, position, source=source, table=table, critical_required=critical_required)
        if narrative.id in seen:
            raise InputError(f"duplicate narrative id {narrative.id!r}", path=source)
        seen.add(narrative.id)
        narratives.append(narrative)
    return narratives


def _parse_one(entry: object, position: int, *, source: str, table: str, critical_required: bool) -> Narrative:
    label = f"{table} #{position}"
    if not isinstance(entry, dict):
        raise InputError(f"{label} must be a table", path=source)
    raw_id = entry.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        label = f"narrative {raw_id.strip()!r}"

    def fail(message: str) -> InputError:
        return InputError(f"{label}: {message}", path=source)

    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise fail(f"unknown field {unknown[0]!r} (fields: {', '.join(_FIELDS)})")
    required = _FIELDS if critical_required else _FIELDS[:-1]
    missing = [field for field in required if field not in entry]
    if missing:
        raise fail(f"missing field {missing[0]!r}")

    text: dict[str, str] = {}
    for field in _TEXT_FIELDS:
        value = entry[field]
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{field!r} must be a non-empty string")
        text[field] = value.strip()
    if not _ID.fullmatch(text["id"]):
        raise fail("'id' must be kebab-case (lower-case letters, digits and single hyphens)")
    if text["domain"] not in DOMAINS:
        raise fail(f"unknown domain {text['domain']!r} (domains: {', '.join(DOMAINS)})")

    lists: dict[str, tuple[str, ...]] = {}
    for field in _LIST_FIELDS:
        value = entry.get(field, [])
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
            raise fail(f"{field!r} must be a list of non-empty strings")
        if not value and (field == "statements" or critical_required):
            raise fail(f"{field!r} is empty")
        lists[field] = tuple(s.strip() for s in value)
    return Narrative(**text, statements=lists["statements"], critical=lists["critical"])


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", path=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; save the file as UTF-8", path=str(path)) from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"invalid TOML: {err}", path=str(path)) from None

"""Identity statements: neutral, positive and hateful sentences about identity groups, for training and measuring.

``datasets/identity_statements/identity.toml`` holds identity groups (each with an adjective, a singular
and a plural noun phrase) and templates with one slot each. ``expand`` fills every template with every
group, so a model can be measured on "I am gay." and "Muslims are vermin." alike, per group and per
shape of sentence, and trained on part of it without measuring on what it trained on.

The split keeps that measuring honest. A template is held out when a stable hash of its id falls in the
lowest 30%; a group is held out when a stable hash of its id falls in the lowest 25%. A statement is
"train" only when both its template and its group are in training; everything else is "heldout". So a
held-out figure is about sentence shapes, groups, or both, that training never saw: no train statement
shares a template or a group with a held-out one. The hash depends on the id alone (not on what else
the file holds), so adding or reordering entries never moves an existing one across the split; renaming
an id may. The salt below was picked once so that every shape and every category of group has entries
on both sides; the tests check that it still does.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from moderation.errors import DatasetError
from moderation.model.measure.splits import is_heldout
from moderation.model.measure.tomlfile import entries, read_toml

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "datasets" / "identity_statements" / "identity.toml"
"""Where the set lives in a source checkout (``datasets/`` is not part of the installed package)."""

SLOTS = ("adjective", "person", "people")
NEUTRAL_SHAPES = (
    "self-description", "question", "plain-fact", "news-mention", "positive", "plural-generic",
    "adjective-use", "short", "negated-hate", "counter-speech", "quote-reporting",
)  # fmt: skip
CONTRAST_SHAPES = frozenset(("negated-hate", "counter-speech", "quote-reporting"))
"""Neutral shapes that quote the hateful words they reject: measured apart from plain neutral mentions."""
HATEFUL_SHAPES = ("dehumanisation", "threat", "derogation", "exclusion", "violence-call", "contempt")

TEMPLATE_HELDOUT_SHARE = 0.30
GROUP_HELDOUT_SHARE = 0.25
SPLIT_SALT = "identity-2115"
"""Part of every hashed key; changing it reshuffles the whole split, so it is fixed."""

Split = Literal["train", "heldout"]

_GROUP_KEYS = ("id", "category", "adjective", "person", "people")
_TEMPLATE_KEYS = ("id", "shape", "text")


@dataclass(frozen=True, slots=True)
class IdentityGroup:
    """A group of people as sentences name it: "gay" / "a gay man" / "gay people"."""

    id: str
    category: str
    adjective: str
    """Empty when no adjective reads well both after "I am" and before a plural noun."""
    person: str
    people: str


@dataclass(frozen=True, slots=True)
class IdentityTemplate:
    """A sentence with one slot, neutral or positive (``hateful`` False) or hateful."""

    id: str
    shape: str
    text: str
    hateful: bool
    slot: str


@dataclass(frozen=True, slots=True)
class IdentityStatement:
    """One template filled with one group; ``hateful`` is the abuse label."""

    text: str
    group: str
    category: str
    template_id: str
    shape: str
    hateful: bool
    split: Split


@dataclass(frozen=True, slots=True)
class IdentitySet:
    """The file as read: groups and templates (neutral first, then hateful), in file order."""

    groups: tuple[IdentityGroup, ...]
    templates: tuple[IdentityTemplate, ...]


def template_split(template_id: str) -> Split:
    """The side of the split a template falls on, by a stable hash of its id."""
    return "heldout" if is_heldout(f"{SPLIT_SALT}:template:{template_id}", TEMPLATE_HELDOUT_SHARE) else "train"


def group_split(group_id: str) -> Split:
    """The side of the split a group falls on, by a stable hash of its id."""
    return "heldout" if is_heldout(f"{SPLIT_SALT}:group:{group_id}", GROUP_HELDOUT_SHARE) else "train"


def load_identity_set(path: str | Path = DEFAULT_PATH) -> IdentitySet:
    """Read and check the file.

    Raises:
        DatasetError: the file cannot be read, is not TOML, or an entry is malformed (the message names
            the file and the entry).
    """
    path = Path(path)
    data = read_toml(path, ("group", "template", "hateful"))
    groups = tuple(_group(path, n, entry) for n, entry in enumerate(entries(path, data, "group"), 1))
    templates = tuple(
        _template(path, kind, n, entry)
        for kind in ("template", "hateful")
        for n, entry in enumerate(entries(path, data, kind), 1)
    )
    _check_unique(path, "group", [g.id for g in groups])
    _check_unique(path, "template", [t.id for t in templates])
    return IdentitySet(groups, templates)


def expand(path: str | Path = DEFAULT_PATH) -> list[IdentityStatement]:
    """Every template filled with every group it reads well with, split into train and heldout.

    A template with the ``{adjective}`` slot skips groups whose adjective is empty; every other template
    is filled with every group. The first letter of each statement is capitalised.

    Raises:
        DatasetError: as ``load_identity_set``.
    """
    identity_set = load_identity_set(path)
    out: list[IdentityStatement] = []
    for template in identity_set.templates:
        for group in identity_set.groups:
            value = getattr(group, template.slot)
            if not value:
                continue
            text = template.text.replace("{" + template.slot + "}", value)
            both_train = template_split(template.id) == "train" and group_split(group.id) == "train"
            out.append(
                IdentityStatement(
                    text=text[0].upper() + text[1:],
                    group=group.id,
                    category=group.category,
                    template_id=template.id,
                    shape=template.shape,
                    hateful=template.hateful,
                    split="train" if both_train else "heldout",
                )
            )
    return out


def template_shapes(path: str | Path = DEFAULT_PATH) -> dict[str, str]:
    """Template id -> shape, for measuring per shape of sentence."""
    return {t.id: t.shape for t in load_identity_set(path).templates}


def _where(path: Path, kind: str, n: int, entry: Mapping[str, Any]) -> str:
    ident = entry.get("id")
    return f"{path}: [[{kind}]] #{n}" + (f" (id {ident!r})" if isinstance(ident, str) and ident else "")


def _strings(path: Path, kind: str, n: int, entry: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    where = _where(path, kind, n, entry)
    extra = sorted(set(entry) - set(keys))
    if extra:
        raise DatasetError(f"{where}: unknown field {extra[0]!r} (fields: {', '.join(keys)})")
    out = {}
    for key in keys:
        if key not in entry:
            raise DatasetError(f"{where}: missing field {key!r}")
        value = entry[key]
        if not isinstance(value, str):
            raise DatasetError(f"{where}: {key} must be a string, not {value!r}")
        if value != value.strip():
            raise DatasetError(f"{where}: {key} has leading or trailing spaces")
        if not value and key != "adjective":
            raise DatasetError(f"{where}: {key} is empty")
        out[key] = value
    return out


def _group(path: Path, n: int, entry: Mapping[str, Any]) -> IdentityGroup:
    return IdentityGroup(**_strings(path, "group", n, entry, _GROUP_KEYS))


def _template(path: Path, kind: str, n: int, entry: Mapping[str, Any]) -> IdentityTemplate:
    fields = _strings(path, kind, n, entry, _TEMPLATE_KEYS)
    where = _where(path, kind, n, entry)
    hateful = kind == "hateful"
    shapes = HATEFUL_SHAPES if hateful else NEUTRAL_SHAPES
    if fields["shape"] not in shapes:
        raise DatasetError(f"{where}: unknown shape {fields['shape']!r} (shapes: {', '.join(shapes)})")
    try:
        slots = [name for _, name, _, _ in string.Formatter().parse(fields["text"]) if name is not None]
    except ValueError as err:
        raise DatasetError(f"{where}: text has a stray brace ({err})") from None
    if len(slots) != 1 or slots[0] not in SLOTS:
        found = ", ".join("{" + s + "}" for s in slots) or "none"
        wanted = ", ".join("{" + s + "}" for s in SLOTS)
        raise DatasetError(f"{where}: text must use exactly one of {wanted} (found {found})")
    return IdentityTemplate(id=fields["id"], shape=fields["shape"], text=fields["text"], hateful=hateful, slot=slots[0])


def _check_unique(path: Path, what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise DatasetError(f"{path}: {what} id {ident!r} is used twice (ids fix the split, so each must be unique)")
        seen.add(ident)


def counts_table(statements: list[IdentityStatement]) -> str:
    """Templates and statements per shape and side of the split, as the Markdown table in the set's card."""
    templates: dict[str, set[str]] = {}
    for s in statements:
        templates.setdefault(s.shape, set()).add(s.template_id)
    lines = [
        "| label | shape | templates | held-out templates | train statements | heldout statements |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for hateful, shapes in ((False, NEUTRAL_SHAPES), (True, HATEFUL_SHAPES)):
        for shape in shapes:
            ids = templates.get(shape, set())
            held = sum(template_split(t) == "heldout" for t in ids)
            of_shape = [s for s in statements if s.shape == shape]
            train = sum(s.split == "train" for s in of_shape)
            label = "hateful" if hateful else "not hateful"
            lines.append(f"| {label} | {shape} | {len(ids)} | {held} | {train:,} | {len(of_shape) - train:,} |")
    train = sum(s.split == "train" for s in statements)
    lines.append(f"| all | | {len(set().union(*templates.values()))} | | {train:,} | {len(statements) - train:,} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(counts_table(expand()))

"""The shipped narrative catalogue, a site's additions from its config file, and the errors for bad entries."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from moderation.errors import InputError
from moderation.model.narratives import (
    CATALOGUE_PATH,
    DOMAINS,
    extend_catalogue,
    load_catalogue,
    load_catalogue_with_config,
    statement_key,
)

ENTRY = """
[[narrative]]
id = "{id}"
name = "Reservoir poisoning plot"
domain = "{domain}"
description = "The city secretly doses the reservoir to keep residents sick."
statements = ["They put something in our reservoir to keep us sick.", "The water board is poisoning us on purpose."]
critical = ["The water board raised prices again without improving anything."]
"""


def write(tmp_path: Path, text: str, name: str = "catalogue.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue()


def test_shipped_catalogue_covers_every_domain(shipped) -> None:
    assert len(shipped) >= 100
    per_domain = Counter(n.domain for n in shipped)
    assert set(per_domain) == set(DOMAINS)
    assert min(per_domain.values()) >= 5, per_domain


def test_shipped_narratives_are_complete(shipped) -> None:
    ids = [n.id for n in shipped]
    assert len(ids) == len(set(ids))
    for narrative in shipped:
        assert 6 <= len(narrative.statements) <= 8, narrative.id
        assert 2 <= len(narrative.critical) <= 3, narrative.id
        assert narrative.name and narrative.description.endswith("."), narrative.id


def test_no_statement_is_repeated_anywhere(shipped) -> None:
    texts = [s for n in shipped for s in (*n.statements, *n.critical)]
    repeated = [t for t, k in Counter(statement_key(t) for t in texts).items() if k > 1]
    assert repeated == []


def test_lookup_by_id_and_domain(shipped) -> None:
    assert shipped.get("staged-chemical-attacks").domain == "geopolitics"
    assert all(n.domain == "elections" for n in shipped.in_domain("elections"))
    with pytest.raises(KeyError):
        shipped.get("no-such-narrative")


def test_catalogue_ships_inside_the_package() -> None:
    assert CATALOGUE_PATH.parent.name == "narratives" and CATALOGUE_PATH.is_file()


def test_config_adds_and_replaces(tmp_path: Path, shipped) -> None:
    config = write(
        tmp_path,
        '[thresholds]\nconspiracy = 0.6\n\n[[conspiracy.narrative]]\nid = "reservoir-plot"\nname = "Reservoir plot"\n'
        'domain = "health"\ndescription = "The city doses the reservoir."\nstatements = ["They dose our water."]\n\n'
        '[[conspiracy.narrative]]\nid = "flat-earth"\nname = "Flat Earth (local wording)"\ndomain = "science-denial"\n'
        'description = "The Earth is flat."\nstatements = ["The horizon never curves."]\n',
        name="site.toml",
    )
    extended = load_catalogue_with_config(config, base=shipped)
    assert len(extended) == len(shipped) + 1
    assert extended.narratives[-1].id == "reservoir-plot"
    assert extended.narratives[-1].critical == ()
    replaced = extended.get("flat-earth")
    assert replaced.name == "Flat Earth (local wording)" and replaced.statements == ("The horizon never curves.",)
    position = [n.id for n in shipped].index("flat-earth")
    assert extended.narratives[position] is replaced
    assert extended.fingerprint() != shipped.fingerprint()


def test_config_without_narratives_changes_nothing(tmp_path: Path, shipped) -> None:
    config = write(tmp_path, "[thresholds]\nabuse = 0.7\n", name="site.toml")
    assert load_catalogue_with_config(config, base=shipped) is shipped
    assert load_catalogue_with_config(None, base=shipped) is shipped
    assert extend_catalogue(shipped, None, source="site.toml") is shipped


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            ENTRY.format(id="water-plot", domain="health").replace('name = "Reservoir poisoning plot"\n', ""),
            r"narrative 'water-plot': missing field 'name'",
        ),
        (
            ENTRY.format(id="water-plot", domain="health") + ENTRY.format(id="water-plot", domain="health"),
            r"duplicate narrative id 'water-plot'",
        ),
        (ENTRY.format(id="water-plot", domain="plumbing"), r"narrative 'water-plot': unknown domain 'plumbing'"),
        (
            ENTRY.format(id="water-plot", domain="health").replace(
                'statements = ["They put something in our reservoir to keep us sick.", '
                '"The water board is poisoning us on purpose."]',
                "statements = []",
            ),
            r"narrative 'water-plot': 'statements' is empty",
        ),
        (
            ENTRY.format(id="water-plot", domain="health").replace('id = "water-plot"\n', ""),
            r"narrative #1: missing field 'id'",
        ),
        (ENTRY.format(id="Water Plot", domain="health"), r"kebab-case"),
        (
            ENTRY.format(id="water-plot", domain="health").replace("statements =", "statement ="),
            r"narrative 'water-plot': unknown field 'statement'",
        ),
        (
            ENTRY.format(id="water-plot", domain="health").replace("critical = [", "critical = [3, "),
            r"'critical' must be a list of non-empty strings",
        ),
        ("[[narrative\n", r"invalid TOML"),
        ("title = 'nothing here'\n", r"no \[\[narrative\]\] entries"),
    ],
)
def test_bad_catalogue_is_a_clear_error_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=message) as caught:
        load_catalogue(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"absent\.toml: cannot read"):
        load_catalogue(tmp_path / "absent.toml")


def test_bad_site_entry_names_the_config(tmp_path: Path, shipped) -> None:
    config = write(
        tmp_path,
        '[[conspiracy.narrative]]\nid = "water-plot"\nname = "Water plot"\ndomain = "health"\n'
        'description = "x."\nstatements = ["a"]\n\n[[conspiracy.narrative]]\nid = "water-plot"\nname = "Again"\n'
        'domain = "health"\ndescription = "y."\nstatements = ["b"]\n',
        name="site.toml",
    )
    with pytest.raises(InputError, match=r"site\.toml: duplicate narrative id 'water-plot'"):
        load_catalogue_with_config(config, base=shipped)
    with pytest.raises(InputError, match=r"site\.toml: \[\[conspiracy\.narrative\]\] must be an array of tables"):
        extend_catalogue(shipped, {"id": "x"}, source=str(config))
    with pytest.raises(InputError, match=r"site\.toml: \[conspiracy\] must be a table"):
        load_catalogue_with_config(write(tmp_path, "conspiracy = 3\n", name="site.toml"), base=shipped)

"""The identity statements set: enough of it, grammatical everywhere, and a split that keeps measuring honest."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from moderation.errors import DatasetError
from moderation.model.measure.identity import (
    DEFAULT_PATH,
    HATEFUL_SHAPES,
    NEUTRAL_SHAPES,
    IdentityStatement,
    counts_table,
    expand,
    group_split,
    load_identity_set,
    template_split,
)


@pytest.fixture(scope="module")
def statements() -> list[IdentityStatement]:
    return expand(DEFAULT_PATH)


def test_enough_groups_and_templates() -> None:
    identity_set = load_identity_set(DEFAULT_PATH)
    neutral = [t for t in identity_set.templates if not t.hateful]
    hateful = [t for t in identity_set.templates if t.hateful]
    assert len(identity_set.groups) >= 40
    assert len(neutral) >= 120
    assert len(hateful) >= 70
    assert {t.shape for t in neutral} == set(NEUTRAL_SHAPES)
    assert {t.shape for t in hateful} == set(HATEFUL_SHAPES)


def test_every_group_and_template_is_expanded(statements: list[IdentityStatement]) -> None:
    identity_set = load_identity_set(DEFAULT_PATH)
    expected = sum(bool(getattr(g, t.slot)) for t in identity_set.templates for g in identity_set.groups)
    assert len(statements) == expected
    assert {s.group for s in statements} == {g.id for g in identity_set.groups}
    assert {s.template_id for s in statements} == {t.id for t in identity_set.templates}
    assert len({s.text for s in statements}) == len(statements)


def test_both_sides_of_the_split_hold_every_shape_and_category() -> None:
    identity_set = load_identity_set(DEFAULT_PATH)
    shape_sides: dict[str, set[str]] = defaultdict(set)
    for t in identity_set.templates:
        shape_sides[t.shape].add(template_split(t.id))
    category_sides: dict[str, set[str]] = defaultdict(set)
    for g in identity_set.groups:
        category_sides[g.category].add(group_split(g.id))
    assert {shape: sides for shape, sides in shape_sides.items() if len(sides) < 2} == {}
    assert {cat: sides for cat, sides in category_sides.items() if len(sides) < 2} == {}
    held_templates = [template_split(t.id) == "heldout" for t in identity_set.templates]
    held_groups = [group_split(g.id) == "heldout" for g in identity_set.groups]
    assert 0.22 <= sum(held_templates) / len(held_templates) <= 0.38
    assert 0.17 <= sum(held_groups) / len(held_groups) <= 0.33


def test_statements_of_every_shape_on_both_sides(statements: list[IdentityStatement]) -> None:
    sides: dict[str, set[str]] = defaultdict(set)
    for s in statements:
        sides[s.shape].add(s.split)
    assert set(sides) == set(NEUTRAL_SHAPES) | set(HATEFUL_SHAPES)
    assert all(found == {"train", "heldout"} for found in sides.values())


def test_train_shares_no_template_or_group_with_heldout(statements: list[IdentityStatement]) -> None:
    heldout_templates = {s.template_id for s in statements if template_split(s.template_id) == "heldout"}
    heldout_groups = {s.group for s in statements if group_split(s.group) == "heldout"}
    train = [s for s in statements if s.split == "train"]
    assert train
    assert not {s.template_id for s in train} & heldout_templates
    assert not {s.group for s in train} & heldout_groups
    for s in statements:
        if s.split == "heldout":
            assert s.template_id in heldout_templates or s.group in heldout_groups


def test_split_is_fixed_by_the_id() -> None:
    # Moving any of these across the split would change what the held-out figures measure.
    assert template_split("short-01") == "train"
    assert template_split("hate-threat-01") == "heldout"
    assert group_split("muslim") == "train"
    assert group_split("gay") == "heldout"


def test_every_statement_is_filled_and_capitalised(statements: list[IdentityStatement]) -> None:
    assert not [s.text for s in statements if "{" in s.text or "}" in s.text]
    assert not [s.text for s in statements if not s.text[0].isupper()]
    assert not [s.text for s in statements if "  " in s.text or s.text != s.text.strip()]


_CONSONANT_SOUND = ("uni", "use", "usu", "uk", "eu", "one", "once")
_VOWEL_SOUND = ("hour", "honest", "honour", "heir")


def _wants_an(word: str) -> bool:
    lower = word.lower()
    if lower.startswith(_VOWEL_SOUND):
        return True
    if lower.startswith(_CONSONANT_SOUND):
        return False
    return lower[0] in "aeiou"


def test_a_and_an_agree_with_the_next_word(statements: list[IdentityStatement]) -> None:
    wrong = []
    for s in statements:
        for article, word in re.findall(r"\b([Aa]n?) ([A-Za-z][\w'-]*)", s.text):
            if (article.lower() == "an") != _wants_an(word):
                wrong.append(s.text)
    assert wrong == []


def test_the_article_check_knows_the_exceptions() -> None:
    assert _wants_an("asylum") and _wants_an("older") and _wants_an("hour")
    assert not _wants_an("Ukrainian") and not _wants_an("user") and not _wants_an("Black")


def test_person_templates_use_no_gendered_pronoun() -> None:
    # A person phrase may be "a trans man" or "a woman": "she" or "he" beside it would misgender someone.
    gendered = re.compile(r"\b(he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE)
    identity_set = load_identity_set(DEFAULT_PATH)
    assert [t.id for t in identity_set.templates if t.slot == "person" and gendered.search(t.text)] == []


def test_labels_follow_the_table(statements: list[IdentityStatement]) -> None:
    assert all(s.hateful == (s.shape in HATEFUL_SHAPES) for s in statements)
    by_text = {s.text: s for s in statements}
    assert by_text["Immigrants are vermin."].hateful
    assert not by_text["I am a gay man."].hateful
    assert by_text["I am a gay man."].split == "heldout"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "identity.toml"
    path.write_text(body, encoding="utf-8")
    return path


GROUP = '[[group]]\nid = "g"\ncategory = "c"\nadjective = "deaf"\nperson = "a deaf person"\npeople = "deaf people"\n'


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('[[template]]\nid = "t"\nshape = "short"\ntext = "{people} and {person}."\n', "exactly one of"),
        ('[[template]]\nid = "t"\nshape = "short"\ntext = "No slot here."\n', "found none"),
        ('[[template]]\nid = "t"\nshape = "short"\ntext = "I am {nationality}."\n', "found {nationality}"),
        ('[[template]]\nid = "t"\nshape = "rant"\ntext = "I am {adjective}."\n', "unknown shape 'rant'"),
        ('[[hateful]]\nid = "t"\nshape = "short"\ntext = "I am {adjective}."\n', "unknown shape 'short'"),
        ('[[template]]\nid = "t"\nshape = "short"\n', "missing field 'text'"),
        ('[[template]]\nid = "t"\nshape = "short"\ntext = "I am {adjective}."\nlabel = 1\n', "unknown field"),
        ('[[template]]\nid = "t"\nshape = "short"\ntext = 3\n', "text must be a string"),
    ],
)
def test_a_bad_template_names_the_file_and_the_entry(tmp_path: Path, entry: str, message: str) -> None:
    path = _write(tmp_path, GROUP + entry)
    with pytest.raises(DatasetError) as err:
        expand(path)
    assert str(path) in str(err.value)
    assert "#1 (id 't')" in str(err.value)
    assert message in str(err.value)


def test_a_bad_group_names_the_entry(tmp_path: Path) -> None:
    path = _write(tmp_path, GROUP + GROUP.replace("a deaf person", ""))
    with pytest.raises(DatasetError, match=r"\[\[group\]\] #2 \(id 'g'\): person is empty"):
        expand(path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    template = '[[template]]\nid = "t"\nshape = "short"\ntext = "I am {adjective}."\n'
    hateful = template.replace("[[template]]", "[[hateful]]").replace("short", "threat")
    path = _write(tmp_path, GROUP + template + hateful)
    with pytest.raises(DatasetError, match="template id 't' is used twice"):
        expand(path)


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read"):
        expand(tmp_path / "missing.toml")
    path = _write(tmp_path, "[[group]\n")
    with pytest.raises(DatasetError, match=f"{re.escape(str(path))}: invalid TOML"):
        expand(path)


def test_an_empty_adjective_skips_only_adjective_templates(tmp_path: Path) -> None:
    group = GROUP.replace('adjective = "deaf"', 'adjective = ""')
    templates = (
        '[[template]]\nid = "a"\nshape = "short"\ntext = "I am {adjective}."\n'
        '[[template]]\nid = "b"\nshape = "short"\ntext = "{people} exist."\n'
    )
    assert [s.text for s in expand(_write(tmp_path, group + templates))] == ["Deaf people exist."]


def test_the_cards_counts_are_the_measured_ones(statements: list[IdentityStatement]) -> None:
    card = (DEFAULT_PATH.parent / "README.md").read_text(encoding="utf-8")
    table = card.split("<!-- counts: python -m moderation.model.measure.identity -->\n")[1].split("\n<!--")[0]
    assert table == counts_table(statements)

"""The project's written sets as training examples: what joins training, and what stays held out."""

from __future__ import annotations

from collections import Counter

from moderation.datasets import split_of
from moderation.datasets.written import generic_examples, identity_examples, narrative_examples, written_examples


def test_held_out_identity_statements_are_test_data_and_the_rest_fits_or_validates() -> None:
    examples = identity_examples()
    splits = Counter(split_of(e) for e in examples)
    assert set(splits) == {"train", "valid", "test"}
    assert splits["test"] > 0.3 * len(examples)  # templates or groups never trained on
    by_template: dict[str, set[str]] = {}
    for e in examples:
        by_template.setdefault(e.group, set()).add(split_of(e))
    # a template's statements are either all held out (test) or all on one training side, except that a held-out
    # group makes test rows of a training template
    assert all(sides <= {"train", "test"} or sides <= {"valid", "test"} for sides in by_template.values())
    assert all(e.labels["abuse"] in (0, 1) and e.target for e in examples)


def test_generic_replies_are_neither_abuse_nor_conspiracy_nor_spam() -> None:
    examples = generic_examples()
    assert examples and all(e.labels["abuse"] == e.labels["conspiracy"] == e.labels["spam"] == 0 for e in examples)
    assert {split_of(e) for e in examples} == {"train", "valid", "test"}


def test_the_catalogue_teaches_conspiracy_and_its_critical_statements_the_contrast() -> None:
    examples = narrative_examples()
    labels = Counter(e.labels["conspiracy"] for e in examples)
    assert labels[1] > 800 and labels[0] > 250
    assert {split_of(e) for e in examples} == {"train"}


def test_all_written_sets_together() -> None:
    sources = Counter(e.source for e in written_examples())
    assert set(sources) == {"identity", "generic", "narratives"}

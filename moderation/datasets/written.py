"""Examples this project wrote itself, beside the public corpora: identity statements, generic replies, and
the conspiracy catalogue's statements.

Each teaches what no public corpus here teaches well:

- identity statements (``datasets/identity_statements/``): "I am a gay man." is not abuse, "Muslims are
  vermin." is. Only the training side of their split joins training (80% of its templates fit, 20%
  validate and set the abuse threshold's fairness floor); the held-out side (templates and groups never
  trained on) is test data, measured once;
- generic replies (``datasets/offtopic_checks/``): "Well said." fits under any article and is neither abuse
  nor conspiracy; the held-out half measures off-topic;
- the narrative catalogue (shipped with the package): its statements are conspiracy claims in the words of
  news comments, and its ``critical`` statements the same topics criticised without a plot.

``datasets/`` is part of a source checkout, not of the installed package: training reads it from there.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from moderation.datasets.records import Example, labels
from moderation.errors import DatasetError

SOURCES = ("identity", "generic", "narratives")
VALID_SHARE = 20
"""Percent of the training side's templates (identity) or replies (generic) kept for validation."""


def _fit_or_valid(key: str) -> str:
    bucket = int(hashlib.sha1(f"written:{key}".encode()).hexdigest()[:8], 16) % 100
    return "valid" if bucket < VALID_SHARE else "train"


def identity_examples(path: Path | None = None) -> list[Example]:
    """Identity statements as abuse examples; their target is the group, their group (split unit) the template."""
    from moderation.model.measure.identity import DEFAULT_PATH, expand

    out = []
    for s in expand(path or DEFAULT_PATH):
        out.append(
            Example(
                text=s.text,
                labels=labels(abuse=int(s.hateful)),
                source="identity",
                group=s.template_id,
                split="test" if s.split == "heldout" else _fit_or_valid(s.template_id),
                target=s.group,
            )
        )
    return out


def generic_examples(path: Path | None = None) -> list[Example]:
    """The training half of the generic replies: neither abuse, conspiracy nor spam."""
    from moderation.model.measure.offtopic_checks import DEFAULT_PATH, load_offtopic_checks

    checks = load_offtopic_checks(path or DEFAULT_PATH)
    return [
        Example(
            text=g.text,
            labels=labels(abuse=0, conspiracy=0, spam=0),
            source="generic",
            group=g.text,
            split="test" if g.split == "heldout" else _fit_or_valid(g.text),
        )
        for g in checks.generic
    ]


def narrative_examples() -> list[Example]:
    """The catalogue's statements (conspiracy) and critical statements (not), always in training."""
    from moderation.model.narratives.catalogue import load_catalogue

    out = []
    for narrative in load_catalogue():
        for text, label in [*((s, 1) for s in narrative.statements), *((c, 0) for c in narrative.critical)]:
            out.append(
                Example(
                    text=text,
                    labels=labels(conspiracy=label),
                    source="narratives",
                    group=narrative.id,
                    split="train",
                )
            )
    return out


def written_examples(datasets_dir: Path | None = None) -> list[Example]:
    """Every written example; ``datasets_dir`` is the checkout's ``datasets/`` (found beside the package)."""
    identity = generic = None
    if datasets_dir is not None:
        identity = Path(datasets_dir) / "identity_statements" / "identity.toml"
        generic = Path(datasets_dir) / "offtopic_checks" / "checks.toml"
    for path, what in ((identity, "identity statements"), (generic, "generic replies")):
        if path is not None and not path.exists():
            raise DatasetError(f"{path}: missing ({what}); train from a source checkout, which has datasets/")
    return [*identity_examples(identity), *generic_examples(generic), *narrative_examples()]

"""The labels the product scores, in the order every output uses."""

from __future__ import annotations

LABELS: tuple[str, ...] = ("abuse", "conspiracy", "off_topic")
"""Abuse (insults, slurs, hate, threats, obscenity aimed at people), conspiracy content,
off-topic material (unrelated to the article, or spam)."""

LABEL_TITLES: dict[str, str] = {
    "abuse": "Abuse",
    "conspiracy": "Conspiracy",
    "off_topic": "Off-topic",
}


def check_label(name: str) -> str:
    """Return the canonical label for ``name`` (accepting ``off-topic``), or raise ValueError."""
    label = name.strip().lower().replace("-", "_")
    if label not in LABELS:
        raise ValueError(f"unknown label {name!r}; expected one of {', '.join(LABELS)}")
    return label

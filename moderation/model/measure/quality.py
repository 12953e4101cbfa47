"""The checks a model card reports beside ROC-AUC: identity fairness, the off-topic checks, criticism that
is not conspiracy, short harmless texts. Each is read from a held-out file ``moderation train`` writes, at the
model's own thresholds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from moderation.model.measure.fairness import fairness_report, read_rows


def _scores(model: Any, rows: list[dict[str, Any]]) -> list[Any]:
    from moderation.evaluation import labeled_from_rows
    from moderation.scoring import Scorer

    labeled = labeled_from_rows(rows)
    return list(Scorer(model, explain=False).score(iter(labeled.records)))


def offtopic_checks(model: Any, path: Path) -> dict[str, Any]:
    """Per kind of row of the off-topic checks (on_topic, reply, generic, foreign, spam): n and flagged."""
    from moderation.model.measure.offtopic_checks import flag_rates

    rows = read_rows(path)
    scored = _scores(model, rows)
    return flag_rates(rows, ["off_topic" in s.flags for s in scored])


def critical_checks(model: Any, path: Path) -> dict[str, Any]:
    """Conspiracy flags on criticism without a plot (false positives) and on conspiracy claims."""
    rows = read_rows(path)
    scored = _scores(model, rows)
    y = np.array([r["conspiracy"] for r in rows])
    flagged = np.array(["conspiracy" in s.flags for s in scored])
    return {
        "critical_n": int((y == 0).sum()),
        "critical_flagged": float(flagged[y == 0].mean()),
        "conspiratorial_n": int((y == 1).sum()),
        "conspiratorial_flagged": float(flagged[y == 1].mean()),
    }


def short_texts(model: Any, path: Path) -> dict[str, Any]:
    """Held-out generic replies ("lol", "Well said."): how many are flagged as abuse or conspiracy."""
    rows = read_rows(path)
    scored = _scores(model, rows)
    return {
        "n": len(rows),
        "abuse_flagged": sum("abuse" in s.flags for s in scored),
        "conspiracy_flagged": sum("conspiracy" in s.flags for s in scored),
    }


def written_checks(model: Any, heldout_dir: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"fairness": fairness_report(model, heldout_dir)}
    for name, check in (
        ("offtopic_checks.jsonl", offtopic_checks),
        ("critical_not_conspiracy.jsonl", critical_checks),
        ("generic_replies.jsonl", short_texts),
    ):
        if (heldout_dir / name).exists():
            out[name.removesuffix(".jsonl")] = check(model, heldout_dir / name)
    return out

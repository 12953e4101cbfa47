"""Identity fairness of the abuse score, measured on held-out files at the shipped threshold.

Two questions, reported beside the overall figures whenever the abuse model changes:

- does naming a group raise the score? The share of neutral and positive identity statements flagged (plain
  mentions apart from negated hate, counter-speech and reported abuse, which quote the words they reject),
  per shape of sentence and per group, on the held-out side of ``datasets/identity_statements``;
- does the score rank abuse against each group as well as abuse in general? Subgroup, BPSN and BNSP AUC and
  their power means (``bias``) on the test slices of DynaHate, ToxiGen and the identity statements.

The rows come from the held-out files ``moderation train`` writes (``heldout.write_heldout``), so anyone can
recompute them from those files with ``python -m moderation.model.measure.fairness DIR``.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from moderation.model.measure.bias import MIN_EXAMPLES, bias_report
from moderation.model.measure.identity import CONTRAST_SHAPES

BIAS_FILES = {
    "dynahate_abuse.jsonl": "DynaHate test",
    "toxigen_annotated_abuse.jsonl": "ToxiGen test",
    "identity_heldout.jsonl": "identity statements (held out)",
}


def read_rows(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


def abuse_scores(model: Any, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """The model's abuse probability of each row's text."""
    from moderation.records import Comment

    out = []
    for start in range(0, len(rows), 2000):
        chunk = [Comment(id=str(k), text=r["text"]) for k, r in enumerate(rows[start : start + 2000])]
        out.extend(s.scores["abuse"] for s in model.score(chunk, explain_flags=False))
    return np.asarray(out, dtype=np.float64)


def groups_of(rows: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """Rows per group (a row may name several, comma-separated); groups of fewer than ``MIN_EXAMPLES`` dropped."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        for group in str(row.get("group") or "").split(","):
            if group.strip():
                members[group.strip()].append(i)
    out = {}
    for group, idx in members.items():
        if len(idx) >= MIN_EXAMPLES:
            mask = np.zeros(len(rows), dtype=bool)
            mask[idx] = True
            out[group] = mask
    return out


def identity_flags(rows: Sequence[Mapping[str, Any]], scores: np.ndarray, threshold: float) -> dict[str, Any]:
    """Flag rates on the held-out identity statements: plain neutral mentions, contrast shapes, hate."""
    y = np.array([int(r["abuse"]) for r in rows])
    shape = np.array([r.get("shape", "") for r in rows])
    flagged = scores >= threshold
    contrast = np.isin(shape, sorted(CONTRAST_SHAPES))
    plain = (y == 0) & ~contrast
    per_shape = {s: float(flagged[shape == s].mean()) for s in sorted(set(shape.tolist()))}
    group = np.array([r.get("group", "") for r in rows])
    per_group = {g: float(flagged[plain & (group == g)].mean()) for g in sorted(set(group[plain].tolist()))}
    worst = sorted(per_group.items(), key=lambda kv: -kv[1])[:5]
    return {
        "threshold": threshold,
        "neutral_flagged": float(flagged[plain].mean()) if plain.any() else None,
        "neutral_n": int(plain.sum()),
        "contrast_flagged": float(flagged[(y == 0) & contrast].mean()) if ((y == 0) & contrast).any() else None,
        "hate_flagged": float(flagged[y == 1].mean()) if (y == 1).any() else None,
        "accuracy": float((flagged == (y == 1)).mean()),
        "per_shape": per_shape,
        "worst_groups": worst,
    }


def fairness_report(model: Any, heldout_dir: Path) -> dict[str, Any]:
    """Everything above, from the held-out files in ``heldout_dir``."""
    threshold = float(model.thresholds["abuse"])
    out: dict[str, Any] = {"threshold": threshold, "bias": {}}
    for name, title in BIAS_FILES.items():
        path = Path(heldout_dir) / name
        if not path.exists():
            continue
        rows = read_rows(path)
        scores = abuse_scores(model, rows)
        y = np.array([int(r["abuse"]) for r in rows])
        if 0 < y.sum() < len(y):
            report = bias_report(y, scores, groups_of(rows)).as_dict()
            out["bias"][title] = report
        if name == "identity_heldout.jsonl":
            out["identity"] = identity_flags(rows, scores, threshold)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m moderation.model.measure.fairness HELDOUT_DIR [--model FILE] [--fast]``: print the report."""
    import argparse

    from moderation.model import load_model

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("heldout_dir")
    parser.add_argument("--model", default=None)
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args(argv)
    model = load_model(args.model, trusted=args.model is not None, fast=args.fast)
    json.dump(fairness_report(model, Path(args.heldout_dir)), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

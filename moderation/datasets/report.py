"""Print what each corpus adapter read: rows, examples, positives per target, repairs, drops, duplicates.

python -m moderation.datasets.report --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
from pathlib import Path

from moderation.datasets import TARGETS, load_corpora, split_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    args = parser.parse_args()
    corpora, dedup = load_corpora(args.data_dir)
    head = f"{'corpus':<12} {'rows':>6} {'examples':>8} {'repaired':>8} {'dropped':>7} {'dups':>5}  "
    print(head + "  ".join(f"{t} (pos/known)" for t in TARGETS) + "  train/valid/test")
    for c in corpora:
        known = {t: [e.labels[t] for e in c.examples if e.labels[t] is not None] for t in TARGETS}
        labels = "  ".join(f"{sum(v):>6}/{len(v):<6}" if v else f"{'-':>13}" for v in known.values())
        splits = [sum(1 for e in c.examples if split_of(e) == s) for s in ("train", "valid", "test")]
        print(
            f"{c.name:<12} {c.rows_read:>6} {len(c.examples):>8} {c.repaired:>8} {c.dropped:>7} {c.duplicates:>5}  "
            f"{labels}  {'/'.join(map(str, splits))}"
        )
    print("Globe and Mail duplicates removed across corpora:", dedup.as_dict())


if __name__ == "__main__":
    main()

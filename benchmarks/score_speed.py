"""Scoring throughput of the shipped model on real news comments, one core.

Builds N comments by cycling the C3 news comments (median ~290 characters), then times
``Model.score`` in the batches ``moderation score`` uses, with explanations for flagged comments on,
as the command runs. Prints comments/s for the whole path and for its parts.

    python benchmarks/score_speed.py --data-dir ../shared/datasets -n 100000
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from moderation.datasets import load_corpus
from moderation.model import load_model
from moderation.model.linear.features import featurize
from moderation.records import Comment
from moderation.scoring import Scorer


def news_comments(data_dir: Path, n: int) -> list[Comment]:
    texts = [e for name in ("c3",) for e in load_corpus(name, data_dir).examples]
    out = []
    for i in range(n):
        e = texts[i % len(texts)]
        out.append(Comment(id=str(i), text=e.text, article_id=f"{e.source}:{e.group}"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    comments = news_comments(args.data_dir, args.n)
    print(f"{len(comments):,} comments, median {statistics.median(len(c.text) for c in comments):.0f} characters")
    model = load_model(fast=True)
    model.score(comments[:100])  # warm up caches
    started = time.perf_counter()
    flagged = sum(bool(s.flags) for s in Scorer(model).score(comments))
    total = time.perf_counter() - started
    started = time.perf_counter()
    for _ in Scorer(model, explain=False).score(comments):
        pass
    plain = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(comments), 2000):
        featurize([c.text for c in comments[i : i + 2000]])
    features = time.perf_counter() - started
    print(f"{'path':<36} {'seconds':>8} {'comments/s':>11}")
    print(f"{'score (3 labels, explanations)':<36} {total:>8.2f} {len(comments) / total:>11,.0f}")
    print(f"{'score (3 labels, no explanations)':<36} {plain:>8.2f} {len(comments) / plain:>11,.0f}")
    print(f"{'features alone':<36} {features:>8.2f} {len(comments) / features:>11,.0f}")
    print(f"flagged {flagged:,} ({flagged / len(comments):.1%})")


if __name__ == "__main__":
    main()

"""The review queue's own cost, without the terminal: building its orders, adding comments, refreshing the view.

The same synthetic scores as ``review_latency.py`` (no corpus needed); CPU time, best of ``--rounds``.

    python benchmarks/queue_order.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from moderation.labels import LABELS
from moderation.queue import ReviewQueue
from moderation.records import Comment, ScoredComment

THRESHOLDS = {"abuse": 0.5, "conspiracy": 0.6, "off_topic": 0.8}
LATE = 1000
"""Comments that join an open queue at once (the review shows the queue while the rest is scored)."""


def synthetic(n: int) -> list[ScoredComment]:
    rng = np.random.default_rng(0)
    scores = rng.beta(0.6, 4.0, size=(n, len(LABELS)))
    out = []
    for i in range(n):
        s = dict(zip(LABELS, scores[i].tolist(), strict=True))
        flags = tuple(label for label in LABELS if s[label] >= THRESHOLDS[label])
        comment = Comment(id=f"c{i}", text=f"comment {i}", article_id=f"a{i // 40}", author=f"user{i % 997}")
        out.append(ScoredComment(comment, s, flags))
    return out


def best_of(rounds: int, run) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def measure(n: int, rounds: int) -> tuple[float, float, float]:
    """Seconds of CPU to open a queue of ``n``, to add the last ``LATE`` of them, and to refresh the view."""
    items = synthetic(n)
    opened = best_of(rounds, lambda: ReviewQueue(items, THRESHOLDS))
    partial = [ReviewQueue(items[: n - LATE], THRESHOLDS) for _ in range(rounds)]
    late = items[n - LATE :]
    extended = best_of(rounds, lambda: partial.pop().extend(late))
    refreshed = best_of(rounds, ReviewQueue(items, THRESHOLDS).refresh)
    return opened, extended, refreshed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"{'comments':>9} {'open ms':>8} {f'+{LATE} ms':>9} {'refresh ms':>11}")
    for n in (int(x) for x in args.sizes.split(",")):
        opened, extended, refreshed = measure(n, args.rounds)
        print(f"{n:>9} {opened * 1000:>8.0f} {extended * 1000:>9.0f} {refreshed * 1000:>11.0f}")


if __name__ == "__main__":
    main()

"""How the review app feels with a big queue: open time, next-comment and decide latency, via the pilot.

Latency is measured from the moment the app looks up the key's binding to the moment the compositor has
written the updated screen (the pilot's own waiting is not counted).

Comments are real news comments (C3) with synthetic scores, so scoring time is left out: the figure is
"after scoring", as a moderator experiences it once the queue is ready.

    python benchmarks/review_latency.py --data-dir ../shared/datasets --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from moderation.datasets import load_corpus
from moderation.labels import LABELS
from moderation.records import Comment, ScoredComment
from moderation.store import Store
from moderation.tui.app import Loaded, ReviewApp

THRESHOLDS = {"abuse": 0.5, "conspiracy": 0.6, "off_topic": 0.8}


def synthetic_queue(texts: list[str], n: int) -> Loaded:
    rng = np.random.default_rng(0)
    scores = rng.beta(0.6, 4.0, size=(n, len(LABELS)))
    scored = []
    for i in range(n):
        s = dict(zip(LABELS, scores[i].tolist(), strict=True))
        flags = tuple(label for label in LABELS if s[label] >= THRESHOLDS[label])
        comment = Comment(id=f"c{i}", text=texts[i % len(texts)], article_id=f"a{i // 40}", author=f"user{i % 997}")
        scored.append(ScoredComment(comment, s, flags, {}, (), "bench"))
    return Loaded(scored, {}, THRESHOLDS, "bench", f"{n} comments")


class TimedReviewApp(ReviewApp):
    """Notes when a key's action starts and when the screen has next been painted after it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.started: float | None = None
        self.latencies: list[float] = []

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        if self.started is None and self.queue is not None and key in ("down", "a"):
            self.started = time.perf_counter()
        return await super()._check_bindings(key, priority)

    def painted(self) -> None:
        if self.started is not None:
            self.latencies.append(time.perf_counter() - self.started)
            self.started = None


async def _timed(app: TimedReviewApp, pilot, key: str, presses: int) -> list[float]:
    app.latencies.clear()
    for _ in range(presses):
        await pilot.press(key)
        await pilot.pause()
    return list(app.latencies)


async def measure(loaded: Loaded, presses: int = 30) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db", moderator="bench")
        app = TimedReviewApp(lambda progress: loaded, store)
        started = time.perf_counter()
        async with app.run_test(size=(160, 45)) as pilot:
            screen = app.screen
            refresh = screen._compositor_refresh

            def refresh_and_note() -> None:  # the compositor writing the updated screen
                refresh()
                app.painted()

            screen._compositor_refresh = refresh_and_note
            while app.queue is None:
                await pilot.pause(0.005)
            await pilot.pause()
            opened = time.perf_counter() - started
            moves = await _timed(app, pilot, "down", presses)
            decides = await _timed(app, pilot, "a", presses)
        store.db.close()
    return {
        "open_s": opened,
        "next_median_ms": statistics.median(moves) * 1000,
        "next_p95_ms": float(np.percentile(moves, 95)) * 1000,
        "decide_median_ms": statistics.median(decides) * 1000,
        "decide_p95_ms": float(np.percentile(decides, 95)) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    texts = [e.text for e in load_corpus("c3", args.data_dir).examples]
    print(f"{'comments':>9} {'open s':>7} {'next ms (med/p95)':>18} {'decide ms (med/p95)':>20}")
    for n in (int(x) for x in args.sizes.split(",")):
        r = asyncio.run(measure(synthetic_queue(texts, n)))
        print(f"{n:>9} {r['open_s']:>7.2f} {r['next_median_ms']:>8.1f} / {r['next_p95_ms']:<7.1f} "
              f"{r['decide_median_ms']:>9.1f} / {r['decide_p95_ms']:<7.1f}")  # fmt: skip


if __name__ == "__main__":
    main()

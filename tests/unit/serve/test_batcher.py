"""The micro-batcher: concurrent submissions become few calls, answered in order, drained on close."""

from __future__ import annotations

import asyncio
import threading

import pytest

from moderation.serve.batcher import MicroBatcher
from moderation.serve.errors import Overloaded


class Recorder:
    """A ``run`` that doubles numbers, remembering each batch and the threads it ran on."""

    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[list[int]] = []
        self.threads: set[str] = set()
        self.delay = delay

    def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        self.threads.add(threading.current_thread().name)
        if self.delay:
            threading.Event().wait(self.delay)
        return [2 * i for i in items]


async def test_concurrent_submissions_share_calls_and_each_gets_its_own_result() -> None:
    run = Recorder(delay=0.01)
    batcher = MicroBatcher(run, window=0.01, max_batch=8)
    await batcher.start()
    results = await asyncio.gather(*(batcher.submit(i) for i in range(20)))
    await batcher.close()
    assert results == [2 * i for i in range(20)]
    assert len(run.batches) < 20 and max(len(b) for b in run.batches) <= 8
    assert sorted(i for b in run.batches for i in b) == list(range(20))
    assert all(name.startswith("scoring") for name in run.threads)  # never on the event loop's thread


async def test_a_lone_request_is_scored_without_waiting_for_a_full_batch() -> None:
    run = Recorder()
    batcher = MicroBatcher(run, window=0.005, max_batch=8)
    await batcher.start()
    assert await asyncio.wait_for(batcher.submit(21), timeout=30) == 42  # the timeout only guards against a hang
    assert run.batches == [[21]]
    await batcher.close()


async def test_sizes_count_comments_not_requests() -> None:
    run = Recorder(delay=0.02)
    batcher = MicroBatcher(run, window=0.01, max_batch=10, size=lambda i: i)
    await batcher.start()
    await asyncio.gather(*(batcher.submit(n) for n in (6, 6, 3, 12)))
    await batcher.close()
    assert all(sum(b) <= 10 or len(b) == 1 for b in run.batches)
    assert [12] in run.batches  # larger than a batch: scored alone, not refused


async def test_an_item_that_makes_the_call_fail_fails_alone_and_the_batcher_goes_on() -> None:
    calls: list[list[int]] = []

    def run(items: list[int]) -> list[int]:
        calls.append(list(items))
        if 13 in items:
            raise ValueError("unlucky")
        return items

    batcher = MicroBatcher(run, window=0.05, max_batch=8)
    await batcher.start()
    outcomes = await asyncio.gather(*(batcher.submit(i) for i in (5, 13, 7)), return_exceptions=True)
    assert outcomes[0] == 5 and outcomes[2] == 7
    assert isinstance(outcomes[1], ValueError)
    assert calls[0] == [5, 13, 7] and [5] in calls and [7] in calls  # the batch, then each item alone
    assert await batcher.submit(8) == 8
    await batcher.close()


async def test_a_caller_that_gives_up_is_skipped_and_the_rest_answered() -> None:
    run = Recorder(delay=0.05)
    batcher = MicroBatcher(run, window=0.0, max_batch=1)
    await batcher.start()
    first = asyncio.ensure_future(batcher.submit(1))
    await asyncio.sleep(0.01)  # 1 is running; 2 and 3 wait
    gave_up = asyncio.ensure_future(batcher.submit(2))
    waiting = asyncio.ensure_future(batcher.submit(3))
    await asyncio.sleep(0)
    gave_up.cancel()
    assert await first == 2 and await waiting == 6
    await batcher.close()
    assert [2] not in run.batches
    assert batcher.pending == 0


async def test_too_much_waiting_is_refused_with_503() -> None:
    batcher = MicroBatcher(Recorder(delay=0.05), window=0.0, max_batch=1, max_pending=3)
    await batcher.start()
    accepted = [asyncio.ensure_future(batcher.submit(i)) for i in range(3)]
    await asyncio.sleep(0)
    with pytest.raises(Overloaded) as caught:
        await batcher.submit(99)
    assert caught.value.code == 503 and caught.value.status == "UNAVAILABLE"
    assert await asyncio.gather(*accepted) == [0, 2, 4]
    await batcher.close()


async def test_close_answers_everything_submitted_and_then_refuses() -> None:
    run = Recorder(delay=0.02)
    batcher = MicroBatcher(run, window=0.05, max_batch=2)
    await batcher.start()
    submitted = [asyncio.ensure_future(batcher.submit(i)) for i in range(5)]
    await asyncio.sleep(0)
    await batcher.close()
    assert [f.result() for f in submitted] == [0, 2, 4, 6, 8]
    with pytest.raises(Overloaded, match="shutting down"):
        await batcher.submit(1)

"""Gathering concurrent requests into one model call, run off the event loop.

Scoring sixteen comments at once costs little more than scoring one (the linear tier vectorises over the
batch; the full tier runs the encoder for each text on its own pool), so requests that arrive together are
scored together. The batcher keeps up to ``parallel`` calls running on worker threads. When one is free and
a request arrives, it waits ``window`` seconds for company before calling; when none is free, requests
gather on their own while they wait, and the next free thread takes them all (up to ``max_batch``
comments). Under light load a request waits at most ``window``; under heavy load batches grow by themselves
and no time is spent waiting.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from moderation.serve.errors import Overloaded

T = TypeVar("T")
R = TypeVar("R")


class MicroBatcher(Generic[T, R]):
    """Runs ``run(items) -> results`` (same length, same order) on batches of submitted items."""

    def __init__(
        self,
        run: Callable[[list[T]], Sequence[R]],
        *,
        window: float,
        max_batch: int,
        parallel: int = 1,
        max_pending: int = 10_000,
        size: Callable[[T], int] = lambda _: 1,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.run = run
        self.window = window
        self.max_batch = max_batch
        self.parallel = parallel
        self.max_pending = max_pending
        self.size = size
        self.on_batch = on_batch
        """Told each batch's size (in comments) as it starts, for the metrics."""
        self.pending = 0
        """Comments submitted and not yet answered."""
        self._queue: deque[tuple[T, asyncio.Future[R]]] = deque()
        self._queued = 0
        self._closing = False
        self._running: set[asyncio.Future[list[tuple[bool, Any]]]] = set()

    async def start(self) -> None:
        self._wakeup = asyncio.Event()
        self._slots = asyncio.Semaphore(self.parallel)
        self._executor = ThreadPoolExecutor(self.parallel, thread_name_prefix="scoring")
        self._collector = asyncio.create_task(self._collect())

    def call_in_thread(self, fn: Callable[[], R]) -> asyncio.Future[R]:
        """Run ``fn`` on the scoring threads (warming the model up before the first request)."""
        return asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def submit(self, item: T) -> R:
        """The item's result, once the batch it joined has been run.

        Raises:
            Overloaded: too many comments are waiting already, or the server is shutting down.
        """
        if self._closing:
            raise Overloaded("the server is shutting down; send the request again to another instance")
        n = self.size(item)
        if self.pending + n > self.max_pending and self.pending:
            raise Overloaded(f"{self.pending:,} comments are waiting to be scored; try again shortly")
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        self._queued += n
        self.pending += n
        self._wakeup.set()
        try:
            return await future
        finally:
            self.pending -= n

    async def _collect(self) -> None:
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            busy = self._slots.locked()
            await self._slots.acquire()
            if not busy and self.window > 0 and self._queued < self.max_batch:
                await asyncio.sleep(self.window)  # an idle thread: give concurrent requests a moment to join
            batch = self._take()
            if not batch:
                self._slots.release()
                continue
            if self.on_batch is not None:
                self.on_batch(sum(self.size(item) for item, _ in batch))
            items = [i for i, _ in batch]
            running = asyncio.get_running_loop().run_in_executor(self._executor, self._run_isolated, items)
            self._running.add(running)
            running.add_done_callback(lambda done, batch=batch: self._answer(done, batch))

    def _run_isolated(self, items: list[T]) -> list[tuple[bool, R | BaseException]]:
        """``run`` on the batch; if it fails, on each item alone, so only the item that fails gets the error."""
        try:
            return [(True, result) for result in self.run(items)]
        except Exception as err:
            if len(items) == 1:
                return [(False, err)]
        outcomes: list[tuple[bool, R | BaseException]] = []
        for item in items:
            try:
                outcomes.append((True, self.run([item])[0]))
            except Exception as err:
                outcomes.append((False, err))
        return outcomes

    def _take(self) -> list[tuple[T, asyncio.Future[R]]]:
        """Queued items up to ``max_batch`` comments (at least one item), skipping those whose caller gave up."""
        batch: list[tuple[T, asyncio.Future[R]]] = []
        total = 0
        while self._queue:
            item, future = self._queue[0]
            n = self.size(item)
            if batch and total + n > self.max_batch:
                break
            self._queue.popleft()
            self._queued -= n
            if future.done():  # timed out or disconnected while waiting
                continue
            batch.append((item, future))
            total += n
        return batch

    def _answer(self, done: asyncio.Future[list[tuple[bool, Any]]], batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        self._running.discard(done)
        self._slots.release()
        error = done.exception()
        outcomes = [(False, error)] * len(batch) if error is not None else done.result()
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    async def close(self) -> None:
        """Score everything already submitted, then stop the threads; new submissions are refused."""
        self._closing = True
        self._wakeup.set()
        await self._collector
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
        self._executor.shutdown(wait=True)

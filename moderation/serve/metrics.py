"""What the server counts, in Prometheus' text format at ``GET /metrics``.

prometheus-client writes the format and, with ``--workers N``, adds up the worker processes' counts (its
multiprocess mode: each process writes its values to files in ``$PROMETHEUS_MULTIPROC_DIR``, which
``moderation serve`` sets up), which is the part not worth writing by hand.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

from moderation.serve.errors import STATUS_NAMES

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

disable_created_metrics()  # the *_created series: a timestamp per label set that nobody here graphs


class Metrics:
    """The server's counters, on a registry of their own (so several apps can live in one process)."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "moderation_http_requests",
            "HTTP requests answered, by route and status code.",
            ["route", "code"],
            registry=r,
        )
        self.errors = Counter(
            "moderation_http_request_errors",
            "Requests answered with an error, by route and Google status name.",
            ["route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "moderation_http_request_duration_seconds",
            "Time from request to response, by route.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge(
            "moderation_http_requests_in_flight",
            "Requests being answered now.",
            registry=r,
            multiprocess_mode="livesum",
        )
        self.comments = Counter("moderation_comments_scored", "Comments scored.", ["tier"], registry=r)
        self.batches = Histogram(
            "moderation_batch_comments", "Comments per model call (micro-batching).", buckets=BATCH_BUCKETS, registry=r
        )

        self._children: dict[tuple[str, int], tuple[Any, Any, Any]] = {}

    def observe(self, route: str, code: int, seconds: float) -> None:
        children = self._children.get((route, code))
        if children is None:  # labels() costs a lock and a tuple per call; routes and codes are few
            error = self.errors.labels(route, STATUS_NAMES.get(code, "UNKNOWN")) if code >= 400 else None
            children = self._children[route, code] = (
                self.requests.labels(route, str(code)),
                self.latency.labels(route),
                error,
            )
        requests, latency, error = children
        requests.inc()
        latency.observe(seconds)
        if error is not None:
            error.inc()

    def exposition(self) -> bytes:
        """The text format; with worker processes, the sum over all of them."""
        if os.environ.get(MULTIPROCESS_ENV):
            registry = CollectorRegistry()
            prometheus_multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)

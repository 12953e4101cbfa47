"""Around every request: metrics, the optional access log, and the last word on unexpected errors.

Pure ASGI (no per-request objects of its own) because it sees every request, the cheap ones included.
The access log names method, route, status and time: never the query string (it may hold the API key) and
never a body (comment text is not logged).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Collection
from typing import Any

import orjson

from moderation.serve.errors import ApiError
from moderation.serve.metrics import Metrics

log = logging.getLogger("moderation.serve")
OTHER_ROUTE = "other"
"""The route label of paths the server does not know, so hostile paths cannot grow the metrics."""


class Observed:
    """ASGI middleware: counts and times each request and turns any exception that escaped into a JSON 500."""

    def __init__(self, app: Any, metrics: Metrics, routes: Collection[str], access_log: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = frozenset(routes)
        self.access_log = access_log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        response_started = False

        async def observed_send(message: dict[str, Any]) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
            await send(message)

        route = scope["path"] if scope["path"] in self.routes else OTHER_ROUTE
        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, observed_send)
        except Exception as err:
            # The traceback's frames, never the exception's message: it could quote a comment.
            frames = "".join(traceback.format_tb(err.__traceback__))
            log.error("internal error answering %s %s: %s\n%s", scope["method"], route, type(err).__name__, frames)
            status = 500
            if not response_started:
                body = orjson.dumps(ApiError(500, "internal error; the server logged where it happened").body())
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
        finally:
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - started
            self.metrics.observe(route, status, elapsed)
            if self.access_log:
                log.info("%s %s %d %.1f ms", scope["method"], route, status, elapsed * 1000)

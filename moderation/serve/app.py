"""The ASGI app: routes as small handlers over one scoring engine, built by ``make_app``.

``make_app`` receives everything it needs (a loaded model in its engine, the key, the limits); it never reads
files or the environment, so ``moderation serve`` and the tests build the same app.

Routes:
    POST /v1alpha1/comments:analyze   Perspective's AnalyzeComment (key required when one is set)
    POST /v1/score                    JSONL records in, scored JSONL records out (key required when one is set)
    GET  /healthz                     liveness and the model version (no key)
    GET  /metrics                     Prometheus text format (no key; counts only, never text)
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from moderation.serve.batcher import MicroBatcher
from moderation.serve.engine import Job, JobResult, ScoringEngine
from moderation.serve.errors import ApiError
from moderation.serve.metrics import Metrics
from moderation.serve.middleware import Observed
from moderation.serve.native import parse_records, records_body
from moderation.serve.perspective import analyze_response, job_for, parse_analyze_request
from moderation.serve.settings import Batching, Limits

log = logging.getLogger("moderation.serve")

ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"
SCORE = "/v1/score"
HEALTH = "/healthz"
METRICS = "/metrics"
JSON = "application/json"
JSONL = "application/x-ndjson"


class Service:
    """The state the handlers share: the engine behind its batcher, the key, the limits and the metrics."""

    def __init__(
        self, engine: ScoringEngine, *, api_key: str | None, limits: Limits, batching: Batching, tier: str
    ) -> None:
        self.engine = engine
        self.api_key = api_key.encode("utf-8") if api_key else None
        self.limits = limits
        self.tier = tier
        self.metrics = Metrics()
        self.batcher: MicroBatcher[Job, JobResult] = MicroBatcher(
            engine.run,
            window=batching.window,
            max_batch=batching.max_batch,
            parallel=batching.parallel,
            max_pending=limits.max_pending,
            size=_job_size,
            on_batch=self.metrics.batches.observe,
        )
        self._serial = itertools.count(1)

    # ------------------------------------------------------------ what every scoring request goes through

    def check_key(self, request: Request) -> None:
        """Perspective's ``?key=``, ``Authorization: Bearer`` or ``X-Goog-Api-Key``, compared in constant time."""
        if self.api_key is None:
            return
        given = request.query_params.get("key") or _bearer(request.headers.get("authorization"))
        given = given or request.headers.get("x-goog-api-key")
        if not given:
            raise ApiError(
                401,
                "the request has no API key: pass ?key=KEY or an Authorization: Bearer KEY header",
                {"WWW-Authenticate": "Bearer"},
            )
        if not hmac.compare_digest(given.encode("utf-8", "replace"), self.api_key):
            raise ApiError(403, "the API key is not valid")

    async def read_body(self, request: Request) -> bytes:
        """The body, refused with 413 as soon as it passes the cap and with 408 if it arrives too slowly."""
        limit = self.limits.max_body_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise ApiError(413, f"the request body is {int(declared):,} bytes; the limit is {limit:,}")
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.limits.request_timeout):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise ApiError(413, f"the request body is over the limit of {limit:,} bytes")
                    chunks.append(chunk)
        except TimeoutError:
            raise ApiError(408, f"the request body did not arrive within {self.limits.request_timeout:g} s") from None
        return b"".join(chunks)

    async def score(self, job: Job) -> JobResult:
        try:
            async with asyncio.timeout(self.limits.request_timeout):
                result = await self.batcher.submit(job)
        except TimeoutError:
            raise ApiError(504, f"scoring took longer than {self.limits.request_timeout:g} s; try again") from None
        self.metrics.comments.labels(self.tier).inc(job.size)
        return result

    # ------------------------------------------------------------ handlers

    async def analyze(self, request: Request) -> Response:
        self.check_key(request)
        body = _json(await self.read_body(request))
        analyze = parse_analyze_request(body, max_text_bytes=self.limits.max_text_bytes)
        job = job_for(analyze, next(self._serial))
        if job is None:  # every attribute dropped for the request's languages
            return _json_response(analyze_response(analyze, None, None))
        result = await self.score(job)
        spans = result.spans[-1] if result.spans else None
        return _json_response(analyze_response(analyze, result.scored[-1], spans))

    async def suggest_score(self, request: Request) -> Response:
        self.check_key(request)
        raise ApiError(
            501,
            "comments:suggestscore is not offered: nothing sent here is stored. Moderators' decisions retrain "
            "the model through `moderation train --decisions`",
        )

    async def score_records(self, request: Request) -> Response:
        self.check_key(request)
        body = await self.read_body(request)
        job = parse_records(body, max_records=self.limits.max_records, max_text_bytes=self.limits.max_text_bytes)
        result = await self.score(job)
        return Response(records_body(result.scored), media_type=JSONL)

    async def health(self, request: Request) -> Response:
        return _json_response(
            {"status": "ok", "model_version": self.engine.version, "tier": self.tier, "pending": self.batcher.pending}
        )

    async def metrics_text(self, request: Request) -> Response:
        return Response(self.metrics.exposition(), media_type=self.metrics.content_type)

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Warm the model before the first request; on shutdown, score what was accepted before stopping."""
        await self.batcher.start()
        await self.batcher.call_in_thread(self.engine.warm_up)
        log.info("model %s ready", self.engine.version)
        try:
            yield
        finally:
            await self.batcher.close()
            log.info("stopped: every accepted request was answered")


def make_app(
    engine: ScoringEngine,
    *,
    api_key: str | None = None,
    limits: Limits | None = None,
    batching: Batching | None = None,
    tier: str = "full",
    access_log: bool = False,
) -> Starlette:
    """The ASGI app over ``engine``: Perspective's endpoint, ``/v1/score``, ``/healthz`` and ``/metrics``."""
    service = Service(engine, api_key=api_key, limits=limits or Limits(), batching=batching or Batching(), tier=tier)
    routes = [
        Route(ANALYZE, service.analyze, methods=["POST"]),
        Route(SUGGEST, service.suggest_score, methods=["POST"]),
        Route(SCORE, service.score_records, methods=["POST"]),
        Route(HEALTH, service.health, methods=["GET"]),
        Route(METRICS, service.metrics_text, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(Observed, metrics=service.metrics, routes=[r.path for r in routes], access_log=access_log)
        ],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
        lifespan=service.lifespan,
    )
    app.state.service = service
    return app


def _job_size(job: Job) -> int:
    return job.size


def _bearer(header: str | None) -> str | None:
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _json(body: bytes) -> Any:
    if not body.strip():
        raise ApiError(400, "the request body is empty; send a JSON object")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as err:
        raise ApiError(400, f"the request body is not valid JSON: {err.args[0]}") from None


def _json_response(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type=JSON, headers=headers)


async def _api_error(request: Request, err: Exception) -> Response:
    assert isinstance(err, ApiError)
    return _json_response(err.body(), err.code, err.headers)


async def _http_error(request: Request, err: Exception) -> Response:
    """The router's own answers (no such path, wrong method) in the same JSON form."""
    assert isinstance(err, HTTPException)
    messages = {404: f"no such endpoint: {request.url.path}", 405: f"{request.method} is not allowed here"}
    error = ApiError(err.status_code, messages.get(err.status_code, str(err.detail)))
    return _json_response(error.body(), err.status_code, dict(err.headers or {}))

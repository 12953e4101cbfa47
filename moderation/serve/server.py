"""Running the app under uvicorn: one process, or ``--workers N`` processes sharing the socket.

With one process the model is loaded here, before the socket is bound, so a model that cannot be used fails
the command with one line. With several, uvicorn starts each worker from ``app_from_environment``, which reads
the command's options from ``$MODERATION_SERVE_OPTIONS`` and loads the model itself (the key is read again
from where the command read it, never passed along).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from typing import Any

import uvicorn
from starlette.applications import Starlette

from moderation.config import load_thresholds
from moderation.serve.app import make_app
from moderation.serve.engine import ScoringEngine
from moderation.serve.metrics import MULTIPROCESS_ENV
from moderation.serve.settings import OPTIONS_ENV, ServeOptions, load_api_key

log = logging.getLogger("moderation.serve")

CONNECTION_LIMIT = 2048
"""Open connections and requests at once; past it uvicorn answers 503 at once instead of queueing."""


def build_app(options: ServeOptions) -> Starlette:
    """Load the model and thresholds the options name, and make the app over them."""
    from moderation.model import load_model

    thresholds = load_thresholds(options.config, options.threshold_overrides)
    model = load_model(options.model_path, trusted=options.trust_model, fast=options.fast, config=options.config)
    _collect_less_often()
    return make_app(
        ScoringEngine(model, thresholds),
        api_key=load_api_key(options.config),
        limits=options.limits,
        batching=options.batching,
        tier="fast" if options.fast else "full",
        access_log=options.access_log,
    )


def app_from_environment() -> Starlette:
    """The app of one worker process (``--workers N``), from the options the command left in the environment."""
    return build_app(ServeOptions.from_json(os.environ[OPTIONS_ENV]))


def log_config() -> dict[str, Any]:
    """uvicorn's messages and ours on stderr, one line each; uvicorn's access log stays off (it would write the
    query string, which may hold the key)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "moderation.serve": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


def run(options: ServeOptions) -> None:
    """Serve until SIGINT or SIGTERM; then stop accepting, answer what is in flight, and return."""
    settings: dict[str, Any] = {
        "host": options.host,
        "port": options.port,
        "log_config": log_config(),
        "access_log": False,
        "server_header": False,
        "limit_concurrency": CONNECTION_LIMIT,
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": int(options.limits.request_timeout) + 5,
    }
    if options.workers <= 1:
        app = build_app(options)
        uvicorn.run(app, **settings)
        return
    metrics_dir = tempfile.mkdtemp(prefix="moderation-metrics-")
    os.environ[MULTIPROCESS_ENV] = metrics_dir
    os.environ[OPTIONS_ENV] = options.to_json()
    try:
        uvicorn.run("moderation.serve.server:app_from_environment", factory=True, workers=options.workers, **settings)
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)


def _collect_less_often() -> None:
    """As ``moderation score`` does: the loaded model is frozen out of the cycle collector's scans."""
    from moderation.cli.score import collect_less_often

    collect_less_often()

"""``moderation serve``: options in, the HTTP server started. The server stack is imported only here, lazily."""

from __future__ import annotations

import click

from moderation.cli.common import reports_errors
from moderation.cli.score import model_options, threshold_options
from moderation.serve.settings import (
    API_KEY_ENV,
    Batching,
    Limits,
    ServeOptions,
    check_bind,
    config_readable_by_others,
    default_batching,
    load_api_key,
    require_server_stack,
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Server processes, each with its own model. The full tier already uses every core in one process.",
)
@click.option(
    "--insecure",
    is_flag=True,
    help=f"Listen on a non-loopback address without an API key ({API_KEY_ENV} or [serve] api_key).",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(min=1024),
    default=Limits.max_body_bytes,
    show_default=True,
    help="Largest request body; larger ones are answered 413.",
)
@click.option(
    "--max-records",
    type=click.IntRange(min=1),
    default=Limits.max_records,
    show_default=True,
    help="Most comments in one /v1/score request.",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0.1),
    default=Limits.request_timeout,
    show_default=True,
    help="Seconds to receive a body and to score it (408 / 504 past that).",
)
@click.option(
    "--batch-window-ms",
    type=click.FloatRange(min=0),
    default=None,
    help="Milliseconds an idle scorer waits for concurrent requests to join a batch (default 2).",
)
@click.option("--max-batch", type=click.IntRange(min=1), default=None, help="Most comments in one model call.")
@click.option("--access-log", is_flag=True, help="Log one line per request: method, route, status, time (no text).")
@model_options
@threshold_options
@reports_errors
def serve(
    host: str,
    port: int,
    workers: int,
    insecure: bool,
    max_body_bytes: int,
    max_records: int,
    request_timeout: float,
    batch_window_ms: float | None,
    max_batch: int | None,
    access_log: bool,
    model_path: str | None,
    trust_model: bool,
    fast: bool,
    config: str | None,
    threshold_overrides: tuple[str, ...],
) -> None:
    """Score comments over HTTP: Perspective's comments:analyze API, plus /v1/score, /healthz and /metrics.

    Perspective clients (Coral Talk, Discourse, custom backends) work unchanged when pointed at
    http://HOST:PORT/v1alpha1. TOXICITY is the abuse score; CONSPIRACY and OFF_TOPIC are also offered.
    Clients send the key as ?key=KEY or Authorization: Bearer KEY. Nothing sent is stored or logged.

    \b
    Examples:
        MODERATION_API_KEY=s3cret moderation serve
        moderation serve --fast --port 9000
        moderation serve --host 0.0.0.0 --config serve.toml --workers 2
        curl -s 'http://127.0.0.1:8080/v1alpha1/comments:analyze?key=s3cret' \\
             -d '{"comment": {"text": "you idiot"}, "requestedAttributes": {"TOXICITY": {}}}'
    """
    require_server_stack()
    api_key = load_api_key(config)
    check_bind(host, api_key, insecure)
    if api_key is None:
        click.echo(f"warning: no API key set ({API_KEY_ENV}); any local program can use this server", err=True)
    elif config_readable_by_others(config):
        click.echo(f"warning: {config} holds the API key and other users can read it (chmod 600 it)", err=True)
    batching = default_batching(fast)
    batching = Batching(
        window=batching.window if batch_window_ms is None else batch_window_ms / 1000,
        max_batch=max_batch or batching.max_batch,
        parallel=batching.parallel,
    )
    options = ServeOptions(
        host=host,
        port=port,
        workers=workers,
        fast=fast,
        model_path=model_path,
        trust_model=trust_model,
        config=config,
        threshold_overrides=threshold_overrides,
        insecure=insecure,
        access_log=access_log,
        limits=Limits(max_body_bytes=max_body_bytes, max_records=max_records, request_timeout=request_timeout),
        batching=batching,
    )
    if workers > 1:  # each worker loads its own; fail here, in one line, if the model cannot be used
        from moderation.config import load_thresholds
        from moderation.model import load_model

        load_thresholds(config, threshold_overrides)
        load_model(model_path, trusted=trust_model, fast=fast)
    from moderation.serve.server import run  # Starlette and uvicorn: only now

    run(options)

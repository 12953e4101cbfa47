"""What ``moderation serve`` is told, and the checks made before it listens.

Kept free of the server stack, so the command can refuse a bad setting (an exposed address without a key,
a missing dependency) before Starlette and uvicorn are imported.
"""

from __future__ import annotations

import ipaddress
import json
import os
import stat
import tomllib
from dataclasses import asdict, dataclass, field
from importlib.util import find_spec
from pathlib import Path

from moderation.errors import InputError, ModerationError

API_KEY_ENV = "MODERATION_API_KEY"
OPTIONS_ENV = "MODERATION_SERVE_OPTIONS"
"""How ``--workers N`` hands the command's options to each worker process (never the key itself)."""
PERSPECTIVE_TEXT_LIMIT = 20_480
"""Perspective's own limit on ``comment.text``, in UTF-8 bytes."""
SERVER_PACKAGES = ("starlette", "uvicorn", "prometheus_client")


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server."""

    max_body_bytes: int = 1_000_000
    max_text_bytes: int = PERSPECTIVE_TEXT_LIMIT
    max_records: int = 1000
    """Comments in one ``/v1/score`` request."""
    request_timeout: float = 30.0
    """Seconds to receive a request's body and to score it; past that the answer is 408 or 504."""
    max_pending: int = 10_000
    """Comments waiting to be scored before new requests are turned away with 503."""


@dataclass(frozen=True)
class Batching:
    """How concurrent requests are gathered into model calls."""

    window: float = 0.002
    """Seconds an idle scorer waits for company before scoring a lone request."""
    max_batch: int = 64
    """Comments in one model call."""
    parallel: int = 1
    """Model calls running at once, each on its own thread."""


@dataclass(frozen=True)
class ServeOptions:
    """The command's options, as one value that ``--workers N`` can pass to worker processes."""

    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    fast: bool = False
    model_path: str | None = None
    trust_model: bool = False
    config: str | None = None
    threshold_overrides: tuple[str, ...] = ()
    insecure: bool = False
    access_log: bool = False
    limits: Limits = field(default_factory=Limits)
    batching: Batching = field(default_factory=Batching)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServeOptions:
        data = json.loads(text)
        data["threshold_overrides"] = tuple(data["threshold_overrides"])
        data["limits"] = Limits(**data["limits"])
        data["batching"] = Batching(**data["batching"])
        return cls(**data)


def default_batching(fast: bool, cores: int | None = None) -> Batching:
    """The linear tier scores a batch on one thread; the full tier keeps two calls going per core pair so the
    encoder never waits for the Python around it."""
    if fast:
        return Batching(window=0.002, max_batch=64, parallel=1)
    cores = cores or len(os.sched_getaffinity(0))
    return Batching(window=0.002, max_batch=16, parallel=max(2, cores))


def require_server_stack() -> None:
    """Fail with the remedy when the optional server packages are not installed."""
    missing = [name for name in SERVER_PACKAGES if find_spec(name) is None]
    if missing:
        raise ModerationError(
            f"moderation serve needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
            "installed: pip install 'moderation[serve]'"
        )


def load_api_key(config: str | Path | None) -> str | None:
    """The API key clients must send: ``$MODERATION_API_KEY``, else ``[serve] api_key`` in the config file."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if key:
        return key
    if config is None:
        return None
    path = Path(config)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"cannot read config: {err}", path=str(path)) from None
    table = data.get("serve", {})
    if not isinstance(table, dict):
        raise InputError("[serve] must be a table", path=str(path))
    value = table.get("api_key")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError("[serve] api_key must be a non-empty string", path=str(path))
    return value.strip()


def config_readable_by_others(config: str | Path | None) -> bool:
    """Whether a config file holding a key can be read by other users of the machine."""
    if config is None:
        return False
    try:
        mode = Path(config).stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine. Names other than ``localhost`` count as exposed."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, api_key: str | None, insecure: bool) -> None:
    """Refuse to listen beyond this machine without a key, unless told ``--insecure``."""
    if api_key or insecure or is_loopback(host):
        return
    raise ModerationError(
        f"refusing to listen on {host} without an API key: anyone who can reach it could use it. Set "
        f"{API_KEY_ENV} (or [serve] api_key in the --config file), or pass --insecure if the network is yours"
    )

"""Where `moderation` keeps files it can rebuild: the compiled encoder and cached embeddings."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "MODERATION_CACHE"


def cache_dir() -> Path:
    """``$MODERATION_CACHE``, else ``$XDG_CACHE_HOME/moderation``, else ``~/.cache/moderation``; created on use."""
    override = os.environ.get(CACHE_ENV)
    if override:
        path = Path(override)
    else:
        path = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "moderation"
    path.mkdir(parents=True, exist_ok=True)
    return path

"""Sentence embeddings kept on disk, keyed by text and encoder, so a retrain embeds only texts it has not seen.

One SQLite file per encoder build (the encoder id is in its name): a new encoder never reads an old
encoder's vectors. Vectors are stored as float16 (half the disk, and far below the encoder's own int8 noise);
each chunk is committed as soon as it is embedded, so an interrupted run keeps what it did.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from moderation.paths import cache_dir

CHUNK = 256
LOOKUP = 500


class TextEncoder(Protocol):
    dim: int
    encoder_id: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


Report = Callable[[int, int], None]
"""Called with (texts embedded so far, texts to embed) after each chunk."""


def text_key(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


class EmbeddingCache:
    """Vectors of one encoder, by text."""

    def __init__(self, encoder_id: str, dim: int, folder: Path | None = None) -> None:
        self.path = (folder or cache_dir()) / f"embeddings-{encoder_id}.sqlite"
        self.dim = dim
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")

    def close(self) -> None:
        self.db.close()

    def lookup(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(keys), LOOKUP):
            part = keys[start : start + LOOKUP]
            marks = ",".join("?" * len(part))
            for key, blob in self.db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", part):
                found[key] = np.frombuffer(blob, dtype=np.float16)
        return found

    def store(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        rows = [(k, v.astype(np.float16).tobytes()) for k, v in zip(keys, vectors, strict=True)]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)


def cached_vectors(
    texts: Sequence[str],
    encoder: Callable[[], TextEncoder] | TextEncoder,
    encoder_id: str,
    dim: int,
    *,
    report: Report | None = None,
    folder: Path | None = None,
) -> np.ndarray:
    """Embeddings of ``texts`` (float32, one row each), computing only the ones not cached yet.

    ``encoder`` may be a factory, so nothing is loaded when every text is cached already.
    """
    keys = [text_key(t) for t in texts]
    unique = dict(zip(keys, texts, strict=True))
    cache = EmbeddingCache(encoder_id, dim, folder)
    try:
        known = cache.lookup(list(unique))
        missing = [k for k in unique if k not in known]
        if missing:
            model = encoder() if callable(encoder) and not hasattr(encoder, "embed") else encoder
            done = 0
            for start in range(0, len(missing), CHUNK):
                part = missing[start : start + CHUNK]
                vectors = model.embed([unique[k] for k in part])  # type: ignore[union-attr]
                cache.store(part, vectors)
                known.update(zip(part, vectors.astype(np.float16), strict=True))
                done += len(part)
                if report:
                    report(done, len(missing))
    finally:
        cache.close()
    out = np.empty((len(texts), dim), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = known[key]
    return out

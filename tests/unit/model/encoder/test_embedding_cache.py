"""The embedding cache: a text is embedded once per encoder, whatever run asks for it again."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from moderation.model.encoder.cache import cached_vectors


class CountingEncoder:
    dim = 4
    encoder_id = "etest"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), t.count("a"), 1.0, -1.0] for t in texts], dtype=np.float32)


def test_only_new_texts_are_embedded(tmp_path: Path) -> None:
    enc = CountingEncoder()
    first = cached_vectors(["abc", "banana", "abc"], enc, "etest", 4, folder=tmp_path)
    assert enc.seen == ["abc", "banana"]  # repeats within a call are embedded once
    assert first[0].tolist() == [3, 1, 1, -1] and first[2].tolist() == first[0].tolist()
    reports = []
    again = cached_vectors(
        ["banana", "cherry"], enc, "etest", 4, folder=tmp_path, report=lambda d, t: reports.append((d, t))
    )
    assert enc.seen == ["abc", "banana", "cherry"]
    assert reports == [(1, 1)]
    assert again[0].tolist() == first[1].tolist()


def test_nothing_is_loaded_when_everything_is_cached(tmp_path: Path) -> None:
    enc = CountingEncoder()
    cached_vectors(["a"], enc, "etest", 4, folder=tmp_path)

    def must_not_load() -> CountingEncoder:
        raise AssertionError("encoder loaded although every text was cached")

    assert cached_vectors(["a"], must_not_load, "etest", 4, folder=tmp_path).shape == (1, 4)


def test_another_encoder_never_reads_these_vectors(tmp_path: Path) -> None:
    enc = CountingEncoder()
    cached_vectors(["a"], enc, "etest", 4, folder=tmp_path)
    other = CountingEncoder()
    cached_vectors(["a"], other, "eother", 4, folder=tmp_path)
    assert other.seen == ["a"]

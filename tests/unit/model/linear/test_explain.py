import numpy as np
import pytest

from moderation.model.linear.explain import explain
from moderation.model.linear.features import featurize


def _weights_for(*texts: str, value: float = 1.0) -> np.ndarray:
    weights = np.zeros(featurize(["x"]).X.shape[1], dtype=np.float32)
    for text in texts:
        weights[featurize([text]).X.indices] = value
    return weights


def test_spans_point_at_the_phrase_in_the_original_text() -> None:
    text = "Honestly, you are a complete MORON!! Read the article."
    spans = explain(text, _weights_for("moron"))
    assert [e.text for e in spans] == ["MORON"]
    for e in spans:
        assert text[e.start : e.end] == e.text
        assert e.weight > 0


def test_evasive_spelling_is_highlighted_as_written() -> None:
    text = "what a f u c k i n g joke, m0r0n"
    spans = explain(text, _weights_for("fucking", "moron"))
    assert [e.text for e in spans] == ["f u c k i n g", "m0r0n"]


def test_nothing_to_explain_gives_no_spans() -> None:
    assert explain("a perfectly polite comment", _weights_for("moron")) == []
    assert explain("", _weights_for("moron")) == []


def test_units_read_each_piece_as_normalising_it_alone_would_whatever_is_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moderation.model.linear import explain as module
    from moderation.model.linear.features import word_hashes
    from moderation.model.linear.normalise import normalise, tokens

    texts = [
        "You are a f u c k i n g idiot, see www.spam.example now!!",
        "Sh1t, the the THE café is fine; a$$ and b!tch and fuuuuck",
        "I s t u p i d but also https://x.io/a?b=c and @someone",
    ]

    def expected(text: str) -> list[tuple[int, int, list[int]]]:
        out = []
        for match in module._UNIT.finditer(text):
            start, end, words = match.start(), match.end(), tokens(normalise(match.group()))
            if len(words) == 2 and len(words[0]) == 1 and " " in match.group():
                out.append((start, start + 1, word_hashes(words[:1]).tolist()))
                start, words = start + 2, words[1:]
            if words:
                out.append((start, end, word_hashes(words).tolist()))
        return out

    def got(units: list) -> list[tuple[int, int, list[int]]]:
        return [(start, end, hashes.tolist()) for start, end, hashes in units]

    monkeypatch.setattr(module, "_piece_words", {})
    monkeypatch.setattr(module, "_PIECES_KEPT", 12)  # forces the memory to be cleared between calls
    for _ in range(2):  # cold, then with pieces remembered
        assert [got(units) for units in module.units_of(texts)] == [expected(t) for t in texts]
        for text in texts:
            assert got(module.units_of([text])[0]) == expected(text)
    assert any(start + 1 == end for start, end, _ in expected(texts[0]))  # "a f u c k i n g" was split


def test_pulls_for_many_texts_are_the_numbers_of_one_text_at_a_time() -> None:
    from moderation.model.linear.explain import unit_pulls, units_of

    texts = ["You are a complete MORON!!", "", "idiot", "   ", "Read the article, you idiot, and the study too."]
    weights = np.random.default_rng(3).normal(0, 1, featurize(["x"]).X.shape[1]).astype(np.float32)
    units = units_of(texts)
    together = unit_pulls(units, weights)
    assert [len(p) for p in together] == [len(u) for u in units]
    for per_text, pull in zip(units, together, strict=True):
        alone = unit_pulls([per_text], weights)[0]
        assert pull.tolist() == alone.tolist()  # exactly, not approximately
    assert len(together[2]) == 1 and together[1].size == 0

import numpy as np

from moderation.model.explain import explain
from moderation.model.features import featurize


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

"""The WordPiece tokenizer gives the ids the encoder was trained on: checked against the reference implementation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.model.encoder import network as E
from moderation.model.encoder.wordpiece import WordPiece

tokenizers = pytest.importorskip("tokenizers", reason="the reference tokenizer comes with the dev extra")

TRICKY = [
    "",
    "I am a gay man.",
    "You absolute m0r0n!!! f u c k",
    "don't stop—now… “quoted” ‘single’",
    "İstanbul ﬁne café naïve RÉSUMÉ",
    "ΟΔΥΣΣΕΥΣ Σίσυφος",  # a capital sigma lower-cases to σ, never to the final ς, character by character
    "中文字符 and 日本語 mixed",
    "emoji 🥰🤯😀 ok",
    "x\x0by\x0cz\x85w\u2028v\u00a0u\u3000t",
    "\ufeffa byte-order mark and a zero\u200bwidth space",
    "tab\tnew\nline\r\nend",
    "𝐛𝐨𝐥𝐝 maths letters, Ⅻ and ½",
    "hello [MASK] world [CLS][SEP]x[UNK] [cls]",
    "a" * 150,
    "word " * 300,
    "https://example.com/path?q=1&r=2 @someone #tag",
]
OTHER_SCRIPTS = ((0x370, 0x3FF), (0x400, 0x4FF), (0x2000, 0x2064), (0x4E00, 0x4E80))
STABLE = st.characters(
    codec="utf-8",
    categories=("L", "M", "N", "P", "S", "Z", "Cc", "Co"),
    max_codepoint=0x24F,
) | st.sampled_from(
    [chr(c) for r in ((0x370, 0x3FF), (0x400, 0x4FF), (0x2000, 0x2064), (0x4E00, 0x4E80)) for c in range(*r)]
)
"""Characters every Unicode version agrees on. Characters assigned after the reference's Unicode tables (such as
U+061D) may be cut differently; none occurs in the training corpora."""


@pytest.fixture(scope="module")
def ours() -> WordPiece:
    return WordPiece(E.verified_file(E.TOKENIZER), E.MAX_TOKENS)


@pytest.fixture(scope="module")
def reference() -> object:
    ref = tokenizers.Tokenizer.from_file(str(E.verified_file(E.TOKENIZER)))
    ref.enable_truncation(E.MAX_TOKENS)
    ref.no_padding()
    return ref


@pytest.mark.parametrize("text", TRICKY)
def test_the_same_ids_as_the_reference(ours: WordPiece, reference: object, text: str) -> None:
    assert ours.encode(text) == reference.encode(text).ids  # type: ignore[attr-defined]


def test_the_same_ids_on_corpus_rows(ours: WordPiece, reference: object, corpora_dir: Path) -> None:
    from moderation.datasets import load_corpora

    corpora, _ = load_corpora(corpora_dir)
    texts = [e.text for c in corpora for e in c.examples]
    assert texts
    assert ours.encode_batch(texts) == [e.ids for e in reference.encode_batch(texts)]  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(st.text(STABLE, max_size=80))
def test_the_same_ids_on_any_text(ours: WordPiece, reference: object, text: str) -> None:
    assert ours.encode(text) == reference.encode(text).ids  # type: ignore[attr-defined]


def test_long_texts_keep_their_start_and_end_markers(ours: WordPiece) -> None:
    ids = ours.encode("word " * 1000)
    assert len(ids) == E.MAX_TOKENS
    assert ids[0] == ours.cls and ids[-1] == ours.sep

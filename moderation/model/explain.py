"""Which phrases of a comment pushed a label up: character spans into the original text.

The linear heads make this exact rather than approximate: a comment's score is the sum of its features'
weights, so each word's share of it is known. The comment is cut into units (a word with the symbols stuck
to it, a spelled-out run like "f u c k", a URL), each unit is normalised the way the classifier reads it,
and adjacent units that push the same way are merged into one phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from moderation.model.features import _MASK, bigram_columns, word_hashes
from moderation.model.normalise import normalise_many, tokens
from moderation.records import Evidence

_UNIT = re.compile(
    r"(?:https?://|www\.)\S+"  # a link
    r"|(?<![\w.\-*])(?:[^\W\d_][ .\-_*]){2,}[^\W\d_](?!\w)"  # letters spelled out
    r"|[^\s]+"  # a word with whatever is stuck to it
)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span to drop leading/trailing punctuation (quotes, commas) so highlights look right."""
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip(" \t\n\"'“”‘’([{,.;:"))
    right = len(piece) - len(piece.rstrip(" \t\n\"'“”‘’)]},.;:?!"))
    if left + right >= len(piece):
        return start, end
    return start + left, end - right


Unit = tuple[int, int, np.ndarray]


_PIECES_KEPT = 50_000
_piece_words: dict[str, tuple[np.ndarray, bool]] = {}
"""A unit's text -> the word hashes the classifier reads in it, and whether it is "a f u c k" (see below).

A unit is normalised on its own, so what it reads as depends on its text alone; words recur from comment to
comment, so remembering them saves normalising the same "the," again and again. Bounded: cleared when full."""


def _read_pieces(pieces: Sequence[str]) -> None:
    """Normalise and hash the pieces not yet remembered (batched normalisation)."""
    distinct = list(dict.fromkeys(pieces))
    new = [piece for piece in distinct if piece not in _piece_words]
    if not new:
        return
    if len(_piece_words) + len(new) > _PIECES_KEPT:
        _piece_words.clear()
        new = distinct
    word_lists = [tokens(text) for text in normalise_many(new)]
    hashes = word_hashes([w for words in word_lists for w in words])
    at = 0
    for piece, words in zip(new, word_lists, strict=True):
        # "a f u c k": the article apart from the spelled-out word
        split = len(words) == 2 and len(words[0]) == 1 and " " in piece
        _piece_words[piece] = (hashes[at : at + len(words)], split)
        at += len(words)


def units_of(texts: Sequence[str]) -> list[list[Unit]]:
    """Each text cut into units with the word hashes the classifier reads in them."""
    spans = [[(m.start(), m.end(), m.group()) for m in _UNIT.finditer(text)] for text in texts]
    _read_pieces([piece for per_text in spans for _, _, piece in per_text])
    known = _piece_words
    out: list[list[Unit]] = []
    for per_text in spans:
        units: list[Unit] = []
        for start, end, piece in per_text:
            hashes, split = known[piece]
            if split:
                units.append((start, start + 1, hashes[:1]))
                units.append((start + 2, end, hashes[1:]))
            elif len(hashes):
                units.append((start, end, hashes))
        out.append(units)
    return out


def explain(
    text: str, weights: np.ndarray, *, top: int = 3, min_weight: float = 0.05, units: list[Unit] | None = None
) -> list[Evidence]:
    """The phrases with the largest positive pull on a head whose per-column weights are ``weights``."""
    if units is None:
        units = units_of([text])[0]
    if not units:
        return []
    pull = np.zeros(len(units))
    all_hashes = np.concatenate([u[2] for u in units])
    owner = np.repeat(np.arange(len(units)), [len(u[2]) for u in units])
    pull += np.bincount(owner, weights=weights[(all_hashes & _MASK).astype(np.int64)], minlength=len(units))
    if len(all_hashes) > 1:
        bigram_pull = weights[bigram_columns(all_hashes).astype(np.int64)] / 2.0
        np.add.at(pull, owner[:-1], bigram_pull)
        np.add.at(pull, owner[1:], bigram_pull)
    scale = 1.0 / np.sqrt(2 * len(all_hashes) - 1)  # the row norm the classifier applied
    pull *= scale
    # a unit belongs in a highlight when it pulls at least a quarter as hard as the strongest one
    cutoff = max(min_weight / 4, 0.25 * float(pull.max()))
    phrases: list[tuple[float, int, int]] = []
    i = 0
    while i < len(units):
        if pull[i] < cutoff:
            i += 1
            continue
        j, total = i, 0.0
        while j < len(units) and pull[j] >= cutoff:
            total += pull[j]
            j += 1
        phrases.append((total, units[i][0], units[j - 1][1]))
        i = j
    phrases.sort(key=lambda p: -p[0])
    out = []
    for weight, start, end in phrases[:top]:
        if weight < min_weight:
            break
        start, end = _trimmed(text, start, end)
        out.append(Evidence(start=start, end=end, text=text[start:end], weight=float(weight)))
    return sorted(out, key=lambda e: e.start)

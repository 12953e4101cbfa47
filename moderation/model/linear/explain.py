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

from moderation.model.linear.features import _MASK, bigram_columns, word_hashes
from moderation.model.linear.normalise import normalise_many, tokens
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
    return phrases(text, units, unit_pulls([units], weights)[0], top=top, min_weight=min_weight)


def unit_pulls(units_of_texts: Sequence[list[Unit]], weights: np.ndarray) -> list[np.ndarray]:
    """How hard each unit of each text pulls a head up, for many texts in one pass.

    A unit's pull is its words' weights plus half of each bigram it is part of, scaled by the row norm the
    classifier applied to the text. The sums run in the same order for every unit as they would one text at
    a time (``np.bincount`` and ``np.add.at`` add in input order), so the numbers are the same.
    """
    units = [unit for per_text in units_of_texts for unit in per_text]
    if not units:
        return [np.zeros(0) for _ in units_of_texts]
    units_per_text = np.fromiter(map(len, units_of_texts), dtype=np.int64, count=len(units_of_texts))
    words_per_unit = np.fromiter((len(u[2]) for u in units), dtype=np.int64, count=len(units))
    words = np.concatenate([u[2] for u in units])
    owner = np.repeat(np.arange(len(units)), words_per_unit)
    pull = np.bincount(owner, weights=weights[(words & _MASK).astype(np.int64)], minlength=len(units))
    unit_ends = np.cumsum(units_per_text)
    words_before = np.concatenate(([0], np.cumsum(words_per_unit)))
    words_per_text = words_before[unit_ends] - words_before[unit_ends - units_per_text]
    if len(words) > 1:
        within = np.ones(len(words) - 1, dtype=bool)  # bigrams do not cross from one text to the next
        last = np.cumsum(words_per_text)[words_per_text > 0] - 1
        within[last[last < len(words) - 1]] = False
        bigram_pull = weights[bigram_columns(words)[within].astype(np.int64)] / 2.0
        np.add.at(pull, owner[:-1][within], bigram_pull)
        np.add.at(pull, owner[1:][within], bigram_pull)
    with np.errstate(invalid="ignore"):  # texts without units have no scale to apply
        scale = 1.0 / np.sqrt(2 * words_per_text - 1)  # the row norm the classifier applied
    pull *= np.repeat(scale, units_per_text)
    return np.split(pull, unit_ends[:-1])


def phrases(
    text: str, units: list[Unit], pull: np.ndarray, *, top: int = 3, min_weight: float = 0.05
) -> list[Evidence]:
    """The runs of units that pull hardest, as spans of ``text`` (at most ``top``, each at least ``min_weight``)."""
    if not units:
        return []
    pulls = pull.tolist()
    # a unit belongs in a highlight when it pulls at least a quarter as hard as the strongest one
    cutoff = max(min_weight / 4, 0.25 * max(pulls))
    found: list[tuple[float, int, int]] = []
    i = 0
    while i < len(units):
        if pulls[i] < cutoff:
            i += 1
            continue
        j, total = i, 0.0
        while j < len(units) and pulls[j] >= cutoff:
            total += pulls[j]
            j += 1
        found.append((total, units[i][0], units[j - 1][1]))
        i = j
    found.sort(key=lambda p: -p[0])
    out = []
    for weight, start, end in found[:top]:
        if weight < min_weight:
            break
        start, end = _trimmed(text, start, end)
        out.append(Evidence(start=start, end=end, text=text[start:end], weight=float(weight)))
    return sorted(out, key=lambda e: e.start)

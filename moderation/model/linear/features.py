"""Hashed word features: unigrams and adjacent-word bigrams of the normalised text, plus shape signals.

Hashing keeps the model small and the vocabulary open (an unseen spelling still lands in a bucket). Words
are hashed with ``zlib.crc32`` through ``map`` (compiled code, no Python loop per word) and bigram hashes are
combined from the word hashes with numpy for a whole batch at once, so features cost microseconds a comment.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from moderation.model.linear.lexicon import SLURS
from moderation.model.linear.normalise import _SEPARATE, normalise_many

N_FEATURES = 2**20
_MASK = np.uint64(N_FEATURES - 1)
_P1, _P2 = np.uint64(0x9E3779B1), np.uint64(0x85EBCA77)
_UPPER = bytes(range(65, 91))
_LOWER = bytes(range(97, 123))
SHOUTING = zlib.crc32(b"__shouting__") & (N_FEATURES - 1)
EXCLAIMING = zlib.crc32(b"__exclaiming__") & (N_FEATURES - 1)
EMPTY = zlib.crc32(b"__empty__") & (N_FEATURES - 1)
SLUR = zlib.crc32(b"__slur__") & (N_FEATURES - 1)
_SLURS = frozenset(w.encode() for w in SLURS if " " not in w)


def word_hashes(words: Sequence[bytes]) -> np.ndarray:
    """The 32-bit hash of each word."""
    return np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))


def bigram_columns(hashes: np.ndarray) -> np.ndarray:
    """Columns of the bigrams formed by each word and the next (callers drop pairs that cross comments)."""
    return ((hashes[:-1] * _P1) ^ (hashes[1:] * _P2) ^ np.uint64(0x5BD1E995)) & _MASK


def shape_columns(text: str) -> list[int]:
    """Signals the words lose: shouting in capitals, runs of exclamation marks."""
    out = []
    raw = text[:500].encode("utf-8", "ignore")
    upper = len(raw) - len(raw.translate(None, _UPPER))
    if upper >= 12 and upper > 3 * (len(raw) - len(raw.translate(None, _LOWER))):
        out.append(SHOUTING)
    if "!!" in text:
        out.append(EXCLAIMING)
    return out


@dataclass(frozen=True, slots=True)
class Batch:
    """The features of a batch of comments: a CSR matrix, and each comment's word hashes for relevance."""

    X: sp.csr_matrix
    hashes: list[np.ndarray]


def _crc_table() -> np.ndarray:
    """The byte table of CRC-32 (the reflected polynomial 0xEDB88320, as zlib computes it)."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> np.uint32(1)) ^ np.uint32(0xEDB88320), table >> np.uint32(1))
    return table.astype(np.uint32)


_CRC_TABLE = _crc_table()
_SLUR_HASHES = np.array(sorted({zlib.crc32(w) for w in _SLURS}), dtype=np.uint64)


def _crc32_at(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``zlib.crc32`` of each ``data[start:start + length]``, for all of them at once.

    Words are processed a byte position at a time, longest first so that the words still running are
    always a prefix: the work is one pass over the bytes, in numpy, with no Python object per word.
    """
    longest = int(lengths.max()) if len(lengths) else 0
    shortfall = longest - lengths  # sorting small integers is a radix sort: cheap
    order = np.argsort(shortfall.astype(np.uint16) if longest < 2**16 else shortfall, kind="stable")
    at, left = starts[order], lengths[order]
    crc = np.full(len(order), 0xFFFFFFFF, dtype=np.uint32)
    running = np.searchsorted(-left, -np.arange(1, int(left[0]) + 1 if len(left) else 1), side="right")
    for k, n in enumerate(running.tolist()):
        head = crc[:n]
        crc[:n] = _CRC_TABLE[(head ^ data[at[:n] + k]) & np.uint32(0xFF)] ^ (head >> np.uint32(8))
    out = np.empty(len(order), dtype=np.uint64)
    out[order] = crc ^ np.uint32(0xFFFFFFFF)
    return out


def _word_hashes_of(normalised: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words of many normalised texts without a bytes object per word: ``tokens`` then ``word_hashes``.

    Returns every word's hash in order, each text's number of words, and whether each text holds a slur.
    """
    encoded = [t.encode("utf-8", "surrogatepass").translate(_SEPARATE, b"'") for t in normalised]
    data = np.frombuffer(b" ".join(encoded) + b" ", dtype=np.uint8)  # after translating, words end at spaces
    in_word = np.empty(len(data) + 1, dtype=np.int8)
    in_word[0] = 0
    np.not_equal(data, 32, out=in_word[1:])
    edges = np.diff(in_word)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    sizes = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    text_starts = np.cumsum(sizes + 1) - sizes - 1
    first_word = np.searchsorted(starts, text_starts)
    counts = np.diff(np.append(first_word, len(starts)))
    hashes = _crc32_at(data, starts, ends - starts)
    has_slur = np.zeros(len(encoded), dtype=bool)
    nearest = _SLUR_HASHES[np.minimum(np.searchsorted(_SLUR_HASHES, hashes), len(_SLUR_HASHES) - 1)]
    for word in np.flatnonzero(nearest == hashes).tolist():  # rare: confirm the bytes themselves
        if data[starts[word] : ends[word]].tobytes() in _SLURS:
            has_slur[np.searchsorted(text_starts, starts[word], side="right") - 1] = True
    return hashes, counts, has_slur


def featurize(texts: Sequence[str]) -> Batch:
    """Length-normalised counts of hashed unigrams, bigrams and shape signals, one row per text."""
    flat, lengths, has_slur = _word_hashes_of(normalise_many(list(texts)))
    n_docs = len(texts)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    doc_of_word = np.repeat(np.arange(n_docs), lengths)
    unigrams = flat & _MASK
    if len(flat) > 1:
        keep = np.ones(len(flat) - 1, dtype=bool)
        last = ends[lengths > 0] - 1
        keep[last[last < len(flat) - 1]] = False
        bigrams = bigram_columns(flat)[keep]
        doc_of_bigram = doc_of_word[:-1][keep]
    else:
        bigrams = np.zeros(0, dtype=np.uint64)
        doc_of_bigram = np.zeros(0, dtype=np.int64)
    extra_rows: list[int] = []
    extra_cols: list[int] = []
    empty, slur = (lengths == 0).tolist(), has_slur.tolist()
    for i, text in enumerate(texts):
        cols = shape_columns(text) if text else []
        if empty[i]:
            cols.append(EMPTY)
        elif slur[i]:
            cols.append(SLUR)
        extra_rows.extend([i] * len(cols))
        extra_cols.extend(cols)
    rows = np.concatenate((doc_of_word, doc_of_bigram, np.asarray(extra_rows, dtype=np.int64)))
    cols = np.concatenate((unigrams, bigrams, np.asarray(extra_cols, dtype=np.uint64))).astype(np.int32)
    per_doc = np.bincount(rows, minlength=n_docs).astype(np.float32)  # entries per comment, repeats included
    per_doc[per_doc == 0] = 1.0
    data = (1.0 / np.sqrt(per_doc))[rows]
    order = np.argsort(rows, kind="stable")  # group entries by comment; duplicates are summed by products
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n_docs))))
    X = sp.csr_matrix((data[order], cols[order], indptr), shape=(n_docs, N_FEATURES), dtype=np.float32)
    hashes = [flat[s:e] for s, e in zip(starts, ends, strict=True)]
    return Batch(X=X, hashes=hashes)

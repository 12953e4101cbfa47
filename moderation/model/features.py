"""Hashed word features: unigrams and adjacent-word bigrams of the normalised text, plus shape signals.

Hashing keeps the model small and the vocabulary open (an unseen spelling still lands in a bucket). Words
are hashed with ``zlib.crc32`` through ``map`` (compiled code, no Python loop per word) and bigram hashes are
combined from the word hashes with numpy for a whole batch at once, so features cost microseconds a comment.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import scipy.sparse as sp

from moderation.model.lexicon import SLURS
from moderation.model.normalise import normalise_many, tokens

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


def featurize(texts: Sequence[str]) -> Batch:
    """Length-normalised counts of hashed unigrams, bigrams and shape signals, one row per text."""
    word_lists = [tokens(t) for t in normalise_many(list(texts))]
    n_docs = len(word_lists)
    lengths = np.fromiter(map(len, word_lists), dtype=np.int64, count=n_docs)
    flat = word_hashes(list(chain.from_iterable(word_lists)))
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
    for i, text in enumerate(texts):
        cols = shape_columns(text) if text else []
        if lengths[i] == 0:
            cols.append(EMPTY)
        elif not _SLURS.isdisjoint(word_lists[i]):
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

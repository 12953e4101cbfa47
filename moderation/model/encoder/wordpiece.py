"""BERT's uncased WordPiece tokenizer, read from the encoder's ``tokenizer.json``.

The encoder was trained on ids cut by this exact algorithm, so it must be reproduced id for id: clean the text
(control characters dropped, whitespace made a space), put spaces around CJK ideographs, strip accents (NFD,
nonspacing marks dropped), lower-case character by character, split at whitespace and around every
punctuation character, then cut each word greedily into the longest pieces in the vocabulary ("##" marks a
piece inside a word; a word with no such cut, or longer than 100 characters, is ``[UNK]``). The special tokens
(``[CLS]``, ``[MASK]``, ...) written in a text stay whole, as the reference implementation keeps them.

Written here rather than taken from the ``tokenizers`` package because that package now requires
``huggingface-hub`` (and through it an HTTP stack) that nothing here uses; a test checks the ids against
``tokenizers`` on every training text when it is installed (the ``dev`` extra has it).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

CJK = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B920, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)
WHITESPACE = frozenset("\t\n\r\x0b\x0c \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
"""Unicode's White_Space property, which the reference uses (Python's ``str.isspace`` differs on a few)."""
ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
ASCII_WORDS = re.compile(r"[^ !-/:-@\[-`{-~]+|[!-/:-@\[-`{-~]")
"""Words and single punctuation characters of a cleaned, lower-cased ASCII text (the fast path)."""
ASCII_DROP = {c: None for c in range(32) if chr(c) not in "\t\n\r"} | {127: None}
ASCII_SPACE = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
MAX_WORD_CHARS = 100


CONTROL = frozenset(("Cc", "Cf", "Co"))
"""Dropped in cleaning. Unassigned code points (Cn) are kept, as the reference keeps them."""


def is_control(c: str) -> bool:
    return c not in "\t\n\r" and unicodedata.category(c) in CONTROL


def is_punctuation(c: str) -> bool:
    return c in ASCII_PUNCTUATION or unicodedata.category(c)[0] == "P"


def is_cjk(c: str) -> bool:
    code = ord(c)
    return any(lo <= code <= hi for lo, hi in CJK)


class WordPiece:
    """Text to token ids, ``[CLS]`` ... ``[SEP]``, cut to ``max_tokens`` ids in all."""

    def __init__(self, path: Path, max_tokens: int) -> None:
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
        model = spec["model"]
        if model.get("type") != "WordPiece" or spec["normalizer"].get("lowercase") is not True:
            raise ValueError(f"{path}: not an uncased WordPiece tokenizer")
        self.vocab: dict[str, int] = model["vocab"]
        self.prefix = model.get("continuing_subword_prefix", "##")
        self.unk = self.vocab[model.get("unk_token", "[UNK]")]
        self.cls, self.sep = self.vocab["[CLS]"], self.vocab["[SEP]"]
        specials = sorted((t["content"] for t in spec.get("added_tokens", ()) if t.get("special")), key=len)
        self.specials = {s: self.vocab[s] for s in specials}
        self.special_split = re.compile("(" + "|".join(re.escape(s) for s in reversed(specials)) + ")")
        self.max_tokens = max_tokens
        self._words: dict[str, tuple[int, ...]] = {}

    # ------------------------------------------------------------ text to words

    def words(self, text: str) -> list[str]:
        """The normalised words and punctuation marks of a text without special tokens."""
        if text.isascii():
            return ASCII_WORDS.findall(text.translate(ASCII_DROP).translate(ASCII_SPACE).lower())
        chars = []
        for c in text:
            if c == "\x00" or c == "\ufffd" or is_control(c):
                continue
            if c in WHITESPACE:
                chars.append(" ")
            elif is_cjk(c):
                chars.append(f" {c} ")
            else:
                chars.append(c)
        cleaned = "".join(chars)
        stripped = "".join(c for c in unicodedata.normalize("NFD", cleaned) if unicodedata.category(c) != "Mn")
        lowered = "".join(c.lower() for c in stripped)  # per character: no final-sigma rule, as the reference
        out: list[str] = []
        word: list[str] = []
        for c in lowered:
            if c == " ":  # cleaning made every whitespace character a space
                if word:
                    out.append("".join(word))
                    word = []
            elif is_punctuation(c):
                if word:
                    out.append("".join(word))
                    word = []
                out.append(c)
            else:
                word.append(c)
        if word:
            out.append("".join(word))
        return out

    # ------------------------------------------------------------ words to ids

    def pieces(self, word: str) -> tuple[int, ...]:
        """The greedy longest-first WordPiece ids of one word, remembered (words repeat a lot)."""
        found = self._words.get(word)
        if found is not None:
            return found
        whole = self.vocab.get(word)
        if whole is not None:
            ids: tuple[int, ...] = (whole,)
        elif len(word) > MAX_WORD_CHARS:
            ids = (self.unk,)
        else:
            cut: list[int] = []
            start = 0
            while start < len(word):
                end = len(word)
                piece = None
                while start < end:
                    candidate = word[start:end] if start == 0 else self.prefix + word[start:end]
                    piece = self.vocab.get(candidate)
                    if piece is not None:
                        break
                    end -= 1
                if piece is None:
                    cut = [self.unk]
                    break
                cut.append(piece)
                start = end
            ids = tuple(cut)
        if len(self._words) < 500_000:
            self._words[word] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        """``[CLS]``, the text's ids (cut to fit), ``[SEP]``."""
        room = self.max_tokens - 2
        ids: list[int] = []
        parts = self.special_split.split(text) if self.specials and "[" in text else [text]
        for part in parts:
            special = self.specials.get(part)
            if special is not None:
                ids.append(special)
            elif part:
                for word in self.words(part):
                    ids.extend(self.pieces(word))
            if len(ids) >= room:
                break
        return [self.cls, *ids[:room], self.sep]

    def encode_batch(self, texts: Iterable[str]) -> list[list[int]]:
        return [self.encode(t) for t in texts]

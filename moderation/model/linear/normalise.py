"""Text normalisation that undoes what commenters do to slip past filters.

Case, repeated letters (fuuuuck), letters spelled out (f u c k, f.u.c.k), symbols and digits for letters
(sh1t, @ss, f*ck), Unicode look-alikes (Cyrillic о for o, full-width and mathematical letters), accents,
zero-width characters, URLs and @mentions.

This sits on the hot path of scoring, so it works in whole-string C-level operations: ``bytes.translate``
classifies every character at once, cheap substring tests decide whether the rare rewrites (leet, spaced
letters, repeats) are needed at all, and only then do regular expressions run.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

# Invisible characters that split a word without showing (soft hyphen, ZWSP, ZWNJ, ZWJ, word joiner, BOM...).
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
)

# Letters of other scripts that look like Latin ones. NFKC already folds full-width and mathematical
# alphanumerics; these survive it. Targets are lower case because text is case-folded afterwards.
_LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t",
    "У": "y", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    # Latin letters without a decomposition, and typographic apostrophes
    "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th",
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'",
}  # fmt: skip
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_COMBINING_RANGES = ((0x300, 0x370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100), (0xFE20, 0xFE30))


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE or any(lo <= ord(ch) < hi for lo, hi in _COMBINING_RANGES):
        return ""
    return _LOOKALIKES.get(ch, ch)


def _fold_match(match: re.Match[str]) -> str:
    return _fold_char(match.group())


# One byte per input byte: "a" letter (or any non-ASCII byte), "0" digit, "$" leet symbol, " " separator a
# spelled-out word may use, "." anything else. Substring tests on this class string are the cheap gates.
_CLASS = bytes(
    97 if (97 <= c <= 122 or c >= 128)
    else 48 if 48 <= c <= 57
    else 36 if chr(c) in "@$*!|+"
    else 32 if chr(c) in " .-_"
    else 46
    for c in range(256)
)  # fmt: skip
_A, _DIGIT, _SYMBOL, _GAP, _STAR, _DOLLAR = 97, 48, 36, 32, 42, 36
# Token characters: letters, digits and non-ASCII bytes (UTF-8 of other scripts); everything else splits.
_SEPARATE = bytes(c if (97 <= c <= 122 or 48 <= c <= 57 or c >= 128) else 32 for c in range(256))

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|ly|io|co|tv|info|biz|me)(?:/\S*)?\b")
_MENTION = re.compile(r"(?<![\w@])@(?!ss)\w{2,}")
_SPACED = re.compile(r"(?<![\w.\-*])(?:[^\W\d_][ .\-_*]){2,}[^\W\d_](?!\w)")
# A match is always a whole run of token characters (or of word characters, for repeats): the look-behind says
# so up front, so the engine does not try every position inside a run that has nothing to rewrite.
_LEET_TOKEN = re.compile(r"(?<![a-z0-9@$*!|+])[a-z0-9@$*!|+]*(?:[a-z][0-9@$*!|+]|[@$*!|+][a-z])[a-z0-9@$*!|+]*")
_LEET_INNER = re.compile(r"(?<=[a-z])(?:[0-9]|[@$*!|+]+)(?=[a-z])")
_LEET_START = re.compile(r"^[@$]+(?=[a-z])")
_LEET_END = re.compile(r"(?<=[a-z])(?:\*+|\$\$+)$")
_LEET = str.maketrans("013457@$!|+", "oieastasiit")
_REPEATED_WORD = re.compile(r"(?<!\w)\w*?([^\W\d_])\1{2,}\w*")
_REPEAT_RUN = re.compile(r"([^\W\d_])\1{2,}")

URL_TOKEN = " xurlx "
MENTION_TOKEN = " xuserx "


def fold(text: str) -> str:
    """Unicode to plain lower-case letters: look-alikes, accents and invisible characters folded away."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
        text = _NON_ASCII.sub(_fold_match, text)
    return text.lower()


def _translate_leet(match: re.Match[str]) -> str:
    return match.group().translate(_LEET)


def _deleet(match: re.Match[str]) -> str:
    """sh1t, b!tch, @ss, a$$, f*ck: symbols between or around letters read as the letters they stand for.

    A digit counts only alone between letters, so 4th, 10am, f150 and 7x24hr stay as they are.
    """
    token = match.group()
    fixed = _LEET_INNER.sub(_translate_leet, token)
    fixed = _LEET_START.sub(_translate_leet, fixed)
    fixed = _LEET_END.sub(lambda m: m.group().replace("$", "s"), fixed)
    if "*" in fixed:
        from moderation.model.linear.lexicon import resolve_masked

        fixed = resolve_masked(fixed)
    return fixed


def _unspace(match: re.Match[str]) -> str:
    """f u c k -> fuck; "a f u c k i n g" keeps its article: a word spelled out after "a" or "I"."""
    from moderation.model.linear.lexicon import MASKED_WORDS

    joined = re.sub(r"[ .\-_*]", "", match.group())
    if joined[0] in "ai" and joined not in MASKED_WORDS and joined[1:] in MASKED_WORDS:
        return f"{joined[0]} {joined[1:]}"
    return joined


def _unrepeat(match: re.Match[str]) -> str:
    """fuuuuck -> "fuuck fuck": both the two-letter and the one-letter collapse, since either may be the word."""
    word = match.group()
    two = _REPEAT_RUN.sub(r"\1\1", word)
    one = _REPEAT_RUN.sub(r"\1", word)
    return two if two == one else f"{two} {one}"


def _rewrite_links(text: str) -> str:
    if "://" in text or "www." in text or ".com" in text or ".ly" in text or ".net" in text or ".org" in text:
        text = _URL.sub(URL_TOKEN, text)
    if "@" in text:
        text = _MENTION.sub(MENTION_TOKEN, text)
    return text


LEET, SPACED, REPEATED = 1, 2, 4


def _rewrite_evasions(text: str, kinds: int = LEET | SPACED | REPEATED) -> str:
    if kinds & LEET:
        text = _LEET_TOKEN.sub(_deleet, text)
    if kinds & SPACED:
        text = _SPACED.sub(_unspace, text)
    if kinds & REPEATED:
        text = _REPEATED_WORD.sub(_unrepeat, text)
    return text


def normalise(text: str) -> str:
    """Fold one comment to the plain lower-case form the model reads (the reference for `normalise_many`)."""
    return _rewrite_evasions(_rewrite_links(fold(text)))


def _needs_rewrite(texts: list[str]) -> np.ndarray:
    """Which rewrites (LEET, SPACED, REPEATED bits) each text may need, found for the whole batch at once.

    A superset test: a text flagged here that needs nothing comes out unchanged from the rewrite, so only
    missing one would matter; the tests compare against `normalise` to keep it that way.
    """
    kinds = np.zeros(len(texts), dtype=np.int64)
    joined = ("\n" + "\n".join(texts)).encode("utf-8", "surrogatepass")  # every text has a left neighbour
    raw = np.frombuffer(joined, dtype=np.uint8)
    cls = np.frombuffer(joined.translate(_CLASS), dtype=np.uint8)
    n = len(raw)
    # Each test is a window of bytes around a middle one; the middles that can match at all (a symbol or digit;
    # the middle of three equal bytes; a letter between gaps) are rare, so they are found first over the whole
    # batch and the rest of each window is checked only there.
    hits: dict[int, np.ndarray] = {}
    if n >= 3:
        odd = np.flatnonzero((cls[1:-1] == _SYMBOL) | (cls[1:-1] == _DIGIT)) + 1
        before, middle, after = cls[odd - 1], cls[odd], cls[odd + 1]
        letter_before, letter_after = before == _A, after == _A
        masked = (raw[odd] == _STAR) | (raw[odd] == _DOLLAR)
        leet = letter_before & letter_after  # sh1t, b!tch, f*ck
        leet |= (before != _A) & (before != _DIGIT) & (middle == _SYMBOL) & letter_after  # @ss, $hit
        leet |= letter_before & masked & (raw[odd + 1] == raw[odd])  # a$$, sh**
        leet |= letter_before & (raw[odd] == _STAR)  # f*
        hits[LEET] = odd[leet]
        same = raw[:-1] == raw[1:]
        runs = np.flatnonzero(same[:-1] & same[1:]) + 1  # middles of three equal bytes
        hits[REPEATED] = runs[cls[runs - 1] == _A]  # fuuuck
    if n >= 7:
        is_a, gap = cls == _A, cls == _GAP
        lone = np.flatnonzero(gap[2:-4] & is_a[3:-3] & gap[4:-2]) + 3
        # f u c k: a lone letter, a gap, a lone letter, a gap, a lone letter
        spaced = ~is_a[lone - 3] & is_a[lone - 2] & is_a[lone + 2] & ~is_a[lone + 3]
        hits[SPACED] = lone[spaced]
    if not any(len(where) for where in hits.values()):
        return kinds
    lengths = np.fromiter(
        (len(t.encode("utf-8", "surrogatepass")) + 1 for t in texts), dtype=np.int64, count=len(texts)
    )
    starts = np.concatenate(([1], 1 + np.cumsum(lengths)[:-1]))
    for kind, where in hits.items():
        owners = np.searchsorted(starts, where, side="right") - 1
        kinds[owners[owners >= 0]] |= kind
    return kinds


def normalise_many(texts: list[str]) -> list[str]:
    """`normalise` for a batch: the rare rewrites run only on the texts a vectorised test flags."""
    folded = [_rewrite_links(fold(t)) for t in texts]
    if folded:
        kinds = _needs_rewrite(folded)
        for i in np.flatnonzero(kinds):
            kind = int(kinds[i])
            if kind & (LEET | SPACED):  # both can make repeats: Billion$$$ -> billionsss, w w w -> www
                kind |= REPEATED
            folded[i] = _rewrite_evasions(folded[i], kind)
    return folded


def tokens(text: str) -> list[bytes]:
    """Word tokens of a normalised text, as UTF-8 bytes; apostrophes vanish (don't -> dont)."""
    return text.encode("utf-8", "surrogatepass").translate(_SEPARATE, b"'").split()


def words(text: str) -> list[str]:
    """The tokens of a raw comment, as strings (for tests and explanations)."""
    return [t.decode("utf-8", "replace") for t in tokens(normalise(text))]

"""Words that commenters mask with asterisks (f*ck, sh*t), so a masked form can be read as the word.

Only used to resolve masks: "f*ck" matches "fuck" because the unmasked letters line up. A mask that
matches none of these words, or several, is left as it was.
"""

from __future__ import annotations

import re
from functools import lru_cache

MASKED_WORDS = (
    "fuck", "fucking", "fucker", "fucked", "shit", "shitty", "bitch", "bitches", "cunt", "ass", "asshole",
    "dick", "dickhead", "bastard", "damn", "hell", "whore", "slut", "crap", "piss", "pissed", "cock", "prick",
    "idiot", "idiots", "moron", "morons", "retard", "retarded", "stupid", "twat", "wanker", "douche", "nigger",
    "nigga", "faggot", "fag", "dumbass", "jackass", "motherfucker", "bullshit", "scum", "tits", "pussy",
)  # fmt: skip


@lru_cache(maxsize=4096)
def resolve_masked(word: str) -> str:
    """``f*ck`` -> ``fuck``, ``sh**`` -> ``shit``; unknown or ambiguous masks lose their stars only.

    A single star stands for one or more letters, a run of stars for that many letters.
    """
    letters = word.replace("*", "")
    if len(letters) < 2:  # "f*" could be anything
        return letters
    parts = re.split(r"(\*+)", word)
    pattern = re.compile(
        "".join((r"\w+" if len(p) == 1 else rf"\w{{{len(p)}}}") if p.startswith("*") else re.escape(p) for p in parts)
        + "$"
    )
    matches = sorted((w for w in MASKED_WORDS if pattern.match(w)), key=len)
    if not matches or (len(matches) > 1 and len(matches[0]) == len(matches[1])):
        return letters
    return matches[0]


SLURS = frozenset(
    {
        # ethnic and racial slurs
        "nigger", "niggers", "nigga", "niggas", "kike", "kikes", "spic", "spics", "wetback", "wetbacks", "chink",
        "chinks", "gook", "gooks", "raghead", "ragheads", "towelhead", "towelheads", "sandnigger", "sandniggers",
        "coon", "coons", "jigaboo", "porchmonkey", "beaner", "beaners", "paki", "pakis", "zipperhead", "redskin",
        "redskins", "darkie", "darkies", "sambo", "gypo", "kaffir", "kaffirs", "yid", "yids", "heeb", "hymie",
        "camel jockey",
        # slurs about sexuality, gender and disability
        "faggot", "faggots", "fag", "fags", "dyke", "dykes", "tranny", "trannies", "shemale", "retard", "retards",
        "retarded", "spastic", "mong",
    }
)  # fmt: skip
"""Slurs: rare words each, so they share one learned signal, ``__slur__``, that a new spelling of a known
slur or a slur seldom seen in training still triggers. Identity words (gay, Muslim, Jewish...) are not slurs
and are deliberately absent."""

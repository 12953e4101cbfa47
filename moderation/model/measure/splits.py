"""Stable hash splits for the hand-written measuring sets.

Which side of a split an entry falls on must not depend on the machine, the Python version, the order
of the file or what else is in it: a figure measured on "held out" means the same thing after an entry
is added or reordered. So each side is fixed by a SHA-256 hash of a salted key alone (Python's ``hash``
is randomised per process), never by a shuffle or a rank among the other entries.
"""

from __future__ import annotations

import hashlib


def stable_unit(key: str) -> float:
    """A number in [0, 1) fixed by ``key`` alone: the same on every machine, run and Python version."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_heldout(key: str, share: float) -> bool:
    """Whether ``key`` falls in the held-out ``share`` (about that fraction of all keys do)."""
    return stable_unit(key) < share

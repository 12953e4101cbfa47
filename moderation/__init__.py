"""moderation: score reader comments for abuse, conspiracy and off-topic material.

The library is usable without the terminal UI; importing it never loads Textual or a model.
"""

from moderation.labels import LABELS

__all__ = ["LABELS"]

"""Which comment is which: one key per comment, the same in every output, the store, claims and training.

A comment's key is its source id scoped by its article: ``ARTICLE/ID``, or the bare id when the comment
has no article. Exports that number comments per article, merged exports and WordPress sites whose items
reuse comment ids all give the same id to different comments; the article tells them apart. The key is a
pure function of the record, so it costs nothing to compute while streaming, needs no first pass over
the input, and stays the same in every run and in every input the comment appears in (yesterday's
export and today's merged one).

What the article cannot tell apart is the same id twice under one article. ``IdentityGuard`` watches
for that as records stream past: the same text again is kept once and the repeat reported; different
text is bad input (rejected, naming both places). Remembering every key would make memory grow with the
input, so streaming commands remember the last ``window`` keys; ``moderation review``, which holds its
whole queue in memory anyway, remembers all of them.

The guard also remembers the keys of rejected comments (deleted in the export, or unreadable), so a
reply to one keeps a visible parent stub instead of a parent id that points nowhere.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from moderation.errors import InputError

if TYPE_CHECKING:
    from moderation.records import Comment, Record

WINDOW = 100_000
"""Keys a streaming reader remembers for the duplicate check (about 30 MB)."""


def comment_key(article_id: str | None, source_id: str) -> str:
    """The identity of a comment: ``ARTICLE/ID``, or the source id alone for a comment with no article."""
    return f"{article_id}/{source_id}" if article_id else source_id


def derived_article_id(url: str | None, title: str | None, text: str | None) -> str:
    """An article id for a source that gives none: its link, else a hash of its title and text.

    Never a line number or a file name, which change between exports of the same article.
    """
    if url:
        return url
    digest = hashlib.sha1(f"{title or ''}\x1f{text or ''}".encode()).hexdigest()[:12]
    return f"article-{digest}"


class IdentityGuard:
    """Passes records on, reporting comments whose key repeats and marking replies to rejected comments."""

    def __init__(self, window: int | None = WINDOW, *, strict: bool = True) -> None:
        self.window = window
        self.strict = strict
        self._seen: OrderedDict[str, tuple[int, str | None]] = OrderedDict()
        """Key -> (hash of its text, where it was read), oldest first."""
        self._gone: OrderedDict[str, str] = OrderedDict()
        """Key of a rejected comment -> "deleted" or "rejected", oldest first."""

    def check(self, records: Iterable[Record]) -> Iterator[Record]:
        """The records in order; a repeated key becomes a rejection, a reply to a rejected comment says so."""
        from moderation.records import Comment, Rejected

        seen, gone, window = self._seen, self._gone, self.window
        for record in records:
            if type(record) is Comment or isinstance(record, Comment):
                key = comment_key(record.article_id, record.id)
                fingerprint = hash(record.text)
                earlier = seen.get(key)
                if earlier is not None:
                    yield self._repeat(record, key, fingerprint, earlier)
                    continue
                seen[key] = (fingerprint, record.source)
                if window is not None and len(seen) > window:
                    seen.popitem(last=False)
                if gone and record.parent_id and record.parent_state is None:
                    state = gone.get(comment_key(record.article_id, record.parent_id))
                    if state is not None:
                        record = dataclasses.replace(record, parent_state=state)
                yield record
            else:
                if isinstance(record, Rejected) and record.key is not None:
                    gone[record.key] = "deleted" if record.deleted else "rejected"
                    if window is not None and len(gone) > window:
                        gone.popitem(last=False)
                yield record

    def _repeat(self, comment: Comment, key: str, fingerprint: int, earlier: tuple[int, str | None]) -> Record:
        """A second comment under a key already seen: a duplicate to report, or a clash to reject."""
        from moderation.records import Rejected

        first_text, first_source = earlier
        if first_text == fingerprint:
            return Rejected(
                comment.source or key, f"duplicate of comment {key} at {first_source}: same text, kept once"
            )
        reason = (
            f"comment {key} appears twice with different text (one id twice under one article): "
            f"at {first_source} (kept as {key}) and at {comment.source} (rejected)"
        )
        if self.strict:
            path, _, line = (comment.source or "").rpartition(":")
            raise InputError(reason, path=path or None, line=int(line) if line.isdigit() else None)
        return Rejected(comment.source or key, reason, comment.text[:2000])

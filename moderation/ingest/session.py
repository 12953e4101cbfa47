"""A reading session over the sources a command was given: every record accounted for.

Comments and articles flow on; rejected records are written, with their reasons, to the rejects file
as they come, so count in = comments + rejected and nothing is silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from moderation.identity import WINDOW, IdentityGuard
from moderation.ingest import iter_records, read_articles
from moderation.ingest.textio import MAX_LINE_BYTES
from moderation.records import Article, Comment, Record, Rejected


class InputSession:
    """Reads the sources a command was given and accounts for every record."""

    def __init__(
        self,
        paths: tuple[str, ...],
        *,
        fmt: str | None,
        articles: str | None,
        encoding: str,
        skip_invalid: bool,
        rejects: str | None,
        output: str | None,
        window: int | None = WINDOW,
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        self.paths = paths
        self.max_line_bytes = max_line_bytes
        self.fmt = fmt
        self.encoding = encoding
        self.skip_invalid = skip_invalid
        self.articles: dict[str, Article] = read_articles(articles, encoding=encoding) if articles else {}
        default = f"{output}.rejects.jsonl" if output and output != "-" else "rejects.jsonl"
        self.rejects_path = rejects or default
        self.comments = 0
        self.rejected = 0
        self.article_ids: set[str] = set()
        self._rejects_file: IO[str] | None = None
        self.identity = IdentityGuard(window, strict=not skip_invalid)
        """Repeated keys are reported, replies to rejected comments marked (``window=None``: exactly)."""

    def records(self) -> Iterator[Record]:
        """Articles and comments; rejected records are written away as they come."""
        try:
            read = iter_records(
                self.paths,
                fmt=self.fmt,
                encoding=self.encoding,
                articles=self.articles,
                strict=not self.skip_invalid,
                max_line_bytes=self.max_line_bytes,
            )
            for record in self.identity.check(read):
                if isinstance(record, Rejected):
                    self._reject(record)
                    continue
                if isinstance(record, Comment):
                    self.comments += 1
                elif isinstance(record, Article):
                    self.article_ids.add(record.id)
                yield record
        finally:
            if self._rejects_file is not None:
                self._rejects_file.close()

    def _reject(self, record: Rejected) -> None:
        if self._rejects_file is None:
            self._rejects_file = open(self.rejects_path, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
        self._rejects_file.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        self._rejects_file.flush()
        self.rejected += 1

    def summary(self, verb: str) -> str:
        text = f"{verb} {self.comments} comments ({len(self.article_ids)} articles)"
        if self.rejected:
            text += f"; rejected {self.rejected} records (reasons in {self.rejects_path})"
        elif self.skip_invalid:
            text += "; rejected none"
        return text

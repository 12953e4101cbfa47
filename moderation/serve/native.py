"""``POST /v1/score``: records as ``moderation score`` reads them, answered with the records it writes.

The body is JSONL, one comment per line, with the fields of a JSONL export (``id`` and ``text``; optional
``article_id``, ``author``, ``parent_id``, ``created_at``, ``article_title``, ``article_text``,
``article_url``, and the usual other spellings). The answer is JSONL too: one scored record per comment, in
order, exactly as ``moderation score`` writes it. A malformed line fails the whole request with a 400 naming
the line, as ``moderation score`` stops at one without ``--skip-invalid``.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from moderation.ingest.tabular import RowReader
from moderation.records import Article, Comment, Rejected, ScoredComment
from moderation.scoring import json_line
from moderation.serve.engine import Job
from moderation.serve.errors import ApiError

SOURCE = "request"
"""What the records' ``source`` field names: ``request:LINE``."""


def parse_records(body: bytes, *, max_records: int, max_text_bytes: int) -> Job:
    """The comments (and the articles they bring) of a JSONL body, as one job that explains its flags.

    Raises:
        ApiError: a line is not a JSON object, lacks ``id`` or ``text``, repeats a key, or a limit is passed.
    """
    reader = RowReader(SOURCE)
    comments: list[Comment] = []
    articles: dict[str, Article] = {}
    seen: dict[str, int] = {}
    for number, raw in enumerate(body.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            row = orjson.loads(raw)
        except orjson.JSONDecodeError as err:
            raise ApiError(400, f"line {number}: invalid JSON ({err.args[0].split(':')[0]})") from None
        if not isinstance(row, dict):
            raise ApiError(400, f"line {number}: expected a JSON object, got {type(row).__name__}")
        for record in reader.records(row, reader.columns(row), number):
            if isinstance(record, Rejected):
                raise ApiError(400, f"line {number}: {record.reason}")
            if isinstance(record, Article):
                articles[record.id] = record
                continue
            if len(comments) == max_records:
                raise ApiError(413, f"more than {max_records:,} comments in one request; send them in parts")
            size = len(record.text.encode("utf-8"))
            if size > max_text_bytes:
                raise ApiError(400, f"line {number}: text is {size:,} bytes; the limit is {max_text_bytes:,}")
            if record.key in seen:
                raise ApiError(400, f"line {number}: key {record.key!r} repeats line {seen[record.key]}")
            seen[record.key] = number
            comments.append(record)
    if not comments:
        raise ApiError(400, "no comments in the request body: send JSONL, one object with id and text per line")
    return Job(comments, articles, explain=True)


def records_body(scored: Sequence[ScoredComment]) -> bytes:
    """The JSONL answer: one line per scored comment, as ``moderation score`` writes it."""
    return "".join(json_line(s.to_dict()) + "\n" for s in scored).encode("utf-8")

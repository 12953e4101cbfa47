"""``/v1/score`` bodies: JSONL as ``moderation score`` reads it, bad lines named."""

from __future__ import annotations

import pytest

from moderation.serve.errors import ApiError
from moderation.serve.native import parse_records


def parse(body: bytes, max_records: int = 100):
    return parse_records(body, max_records=max_records, max_text_bytes=20_480)


def test_records_and_their_articles_are_read_as_the_jsonl_reader_reads_them() -> None:
    job = parse(
        b'{"id": "c1", "article_id": "a1", "article_title": "Budget", "comment_text": "Good"}\n\n'
        b'{"id": "c2", "article_id": "a1", "text": "Bad", "parent_id": "c1"}\n'
    )
    assert [c.key for c in job.comments] == ["a1/c1", "a1/c2"]
    assert job.comments[1].parent_key == "a1/c1" and job.comments[1].source == "request:3"
    assert job.articles["a1"].title == "Budget" and job.explain


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"", 400, "no comments"),
        (b'{"id": "c1", "text": "ok"}\n{"id": "c2", "text": ', 400, "line 2: invalid JSON"),
        (b"[1, 2]\n", 400, "line 1: expected a JSON object"),
        (b'{"id": "c1"}\n', 400, "line 1: missing `text`"),
        (b'{"text": "no id"}\n', 400, "line 1: missing `id`"),
        (b'{"id": "c1", "text": "a"}\n{"id": "c1", "text": "b"}\n', 400, "line 2: key 'c1' repeats line 1"),
        (b'{"id": "c1", "text": "\xff\xfe"}\n', 400, "line 1: invalid JSON"),
        ('{"id": "c1", "text": "%s"}\n' % ("x" * 20_481), 400, "line 1: text is 20,481 bytes"),
    ],
)
def test_a_bad_line_fails_the_request_naming_the_line(body: bytes | str, code: int, words: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse(body.encode() if isinstance(body, str) else body)
    assert caught.value.code == code and words in caught.value.message


def test_more_comments_than_allowed_is_413() -> None:
    body = b"".join(b'{"id": "c%d", "text": "hi"}\n' % i for i in range(4))
    assert len(parse(body, max_records=4).comments) == 4
    with pytest.raises(ApiError) as caught:
        parse(body, max_records=3)
    assert caught.value.code == 413 and "more than 3 comments" in caught.value.message

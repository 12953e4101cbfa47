from __future__ import annotations

from pathlib import Path

import pytest

from moderation.errors import InputError
from moderation.ingest import iter_records, read_articles
from moderation.records import Article, Comment, Rejected


def _split(records: list) -> tuple[list[Article], list[Comment], list[Rejected]]:
    return (
        [r for r in records if isinstance(r, Article)],
        [r for r in records if isinstance(r, Comment)],
        [r for r in records if isinstance(r, Rejected)],
    )


def test_jsonl_fields_and_inline_article(data_dir: Path) -> None:
    articles, comments, rejected = _split(list(iter_records([str(data_dir / "comments.jsonl")])))
    assert [c.id for c in comments] == ["c1", "c2", "3"]
    assert comments[1].parent_id == "c1" and comments[0].author == "maria"
    assert comments[0].created_at == "2019-03-03T16:12:00Z"
    assert comments[2].source.endswith("comments.jsonl:4")
    heat = "Heat warnings were issued for much of the province."
    assert articles == [Article(id="a2", title="Heat wave expected", text=heat)]
    assert rejected == []


def test_articles_file_is_announced_before_its_comments(data_dir: Path) -> None:
    given = read_articles(str(data_dir / "articles.jsonl"), encoding="utf-8")
    records = list(iter_records([str(data_dir / "comments.jsonl")], articles=given))
    assert isinstance(records[0], Article) and records[0].id == "a1"
    assert records[0].title == "City council approves new bike lanes"
    assert isinstance(records[1], Comment) and records[1].article_id == "a1"


def test_csv_with_multiline_cells(data_dir: Path) -> None:
    _, comments, _ = _split(list(iter_records([str(data_dir / "comments.csv")])))
    assert [c.id for c in comments] == ["c1", "c2", "c3"]
    assert comments[1].text == "Nobody asked the shop owners.\nMy bakery will suffer."
    assert comments[2].author is None
    assert comments[2].source.endswith("comments.csv:5")


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (b'{"id": "1", "text": "fine"}\n{"id": "2", "text": \n', 2, "invalid JSON"),
        (b'{"id": "1", "text": "fine"}\n{"id": "2"}\n', 2, "missing `text`"),
        (b'{"text": "no id"}\n', 1, "missing `id`"),
        (b'["a", "list"]\n', 1, "expected a JSON object"),
        (b'{"id": "1", "text": "caf\xe9"}\n', 1, "cannot decode byte 0xe9"),
        (b'{"id": "1", "text": "   "}\n', 1, "empty `text`"),
        (b"\x00\x01\x02garbage\x00\n", 1, "binary data"),
    ],
)
def test_malformed_jsonl_names_file_and_line(tmp_path: Path, content: bytes, line: int, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        list(iter_records([str(path)]))
    assert str(caught.value).startswith(f"{path}:{line}: {reason}")


def test_undecodable_bytes_hint_at_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,text\n1,caf\xe9 cr\xe8me\n".encode("latin-1"))
    with pytest.raises(InputError, match="pass --encoding"):
        list(iter_records([str(path)]))
    _, comments, _ = _split(list(iter_records([str(path)], encoding="cp1252")))
    assert comments[0].text == "café crème"


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "nocol.csv"
    path.write_text("id,body_html\n1,hello\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"nocol.csv:1: no `text` column"):
        list(iter_records([str(path)]))


def test_skip_invalid_accounts_for_every_record(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    lines = [
        b'{"id": "1", "text": "good one"}',
        b'{"id": "2", "text": ',
        b'{"id": "3"}',
        b'{"id": "4", "text": "bad \xff byte"}',
        b"",
        b'{"id": "5", "text": "good two"}',
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    _, comments, rejected = _split(list(iter_records([str(path)], strict=False)))
    assert [c.id for c in comments] == ["1", "5"]
    assert [r.source.rsplit(":", 1)[1] for r in rejected] == ["2", "3", "4"]
    assert len(comments) + len(rejected) == 5  # every non-blank input line accounted for
    assert "decode" in rejected[2].reason


def test_skip_invalid_csv_counts_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(b"id,text\n1,ok\n2,too,many\n3,\n4,bad \xff\n5,fine\n")
    _, comments, rejected = _split(list(iter_records([str(path)], strict=False)))
    assert [c.id for c in comments] == ["1", "5"]
    assert len(rejected) == 3
    assert {r.source.rsplit(":", 1)[1] for r in rejected} == {"3", "4", "5"}


def test_unknown_extension_asks_for_format(tmp_path: Path) -> None:
    path = tmp_path / "comments.dat"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="pass --format"):
        list(iter_records([str(path)]))
    with pytest.raises(InputError, match="no such file"):
        list(iter_records([str(tmp_path / "missing.jsonl")]))


HOSTILE_JSON_LINES = {
    "nested too deeply": b'{"id": "2", "text": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "Exceeds the limit": b'{"id": ' + b"9" * 5000 + b', "text": "x"}',
    "unpaired UTF-16 surrogate": b'{"id": "2", "text": "half a pair \\ud800"}',
}


@pytest.mark.parametrize("reason", list(HOSTILE_JSON_LINES))
def test_hostile_json_values_are_rejected_not_crashed(tmp_path: Path, reason: str) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b'{"id": "1", "text": "fine"}\n' + HOSTILE_JSON_LINES[reason] + b'\n{"id": "3", "text": "ok"}\n')
    _, comments, rejected = _split(list(iter_records([str(path)], strict=False)))
    assert [c.id for c in comments] == ["1", "3"]
    assert len(rejected) == 1 and rejected[0].source == f"{path}:2" and reason in rejected[0].reason
    with pytest.raises(InputError, match=f"hostile.jsonl:2: .*{reason}"):
        list(iter_records([str(path)]))


def test_an_unclosed_quote_that_swallows_later_rows_is_reported(tmp_path) -> None:
    from moderation.errors import InputError
    from moderation.ingest import iter_records
    from moderation.records import Comment, Rejected

    path = tmp_path / "q.csv"
    path.write_text('id,text\n1,"broken\n2,fine\n3,also fine\n4,quoted"\n5,"a real\nmulti-line, comment"\n6,last\n')
    records = list(iter_records([str(path)], strict=False))
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [r.source.rsplit(":", 1)[1] for r in rejected] == ["2-5"]
    assert "2,fine" in (rejected[0].raw or "")  # the swallowed rows are kept in the rejects file
    assert [r.id for r in records if isinstance(r, Comment)] == ["5", "6"]  # a genuine multi-line cell is fine
    with pytest.raises(InputError, match="quote opened on line 2"):
        list(iter_records([str(path)], strict=True))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_wide_unicode_files_with_a_byte_order_mark_are_read(tmp_path, encoding: str) -> None:
    from moderation.ingest import iter_records
    from moderation.records import Comment

    jsonl = tmp_path / "wide.jsonl"
    jsonl.write_bytes('{"id": "1", "text": "héllo"}\n{"id": "2", "text": "二"}\n'.encode(encoding))
    csv_file = tmp_path / "wide.csv"
    csv_file.write_bytes('id,text\n1,"café, ok"\n'.encode(encoding))
    texts = [r.text for r in iter_records([str(jsonl), str(csv_file)]) if isinstance(r, Comment)]
    assert texts == ["héllo", "二", "café, ok"]


def test_a_byte_order_mark_inside_a_concatenated_jsonl_file_is_ignored(tmp_path) -> None:
    from moderation.ingest import iter_records

    path = tmp_path / "joined.jsonl"
    path.write_bytes(b'{"id": "1", "text": "a"}\n\xef\xbb\xbf{"id": "2", "text": "b"}\n')
    assert [r.id for r in iter_records([str(path)])] == ["1", "2"]


def test_quick_json_reading_gives_the_records_the_careful_reading_gives(tmp_path: Path) -> None:
    """UTF-8 lines go through orjson; ``utf-8-sig`` takes the json-module path, so the two must agree."""
    lines = [
        '{"id": 1, "text": "plain", "article_id": 7, "article_title": "T"}',
        '{"id": 123456789012345678901234567890, "text": "an id past 64 bits"}',
        '{"id": 3.0, "text": "a float id", "author": 2.5}',
        '{"id": "4", "text": "half a pair \\ud800"}',
        '{"id": "5", "text": NaN}',
        '{"id": "6", "text": "caf\\u00e9 \\ud83d\\ude00", "created_at": true, "parent_id": null}',
        '{"id": "7", "text": "   "}',
        '{"id": "8", "text": ["nested", {"n": 123456789012345678901234567890}]}',
        '{"comment_id": "9", "body": "other spellings", "a": 1, "a": 2}',
        "[1, 2]",
        '{"id": "10", "text": "x", "story_title": "same article", "article_id": 7}',
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    quick = list(iter_records([str(path)], strict=False, encoding="utf-8"))
    careful = list(iter_records([str(path)], strict=False, encoding="utf-8-sig"))
    assert quick == careful
    ids = [r.id for r in quick if isinstance(r, Comment)]
    assert ids == ["1", "123456789012345678901234567890", "3", "6", "9", "10"]

"""Hostile input for every reader: never a traceback, and every record comes out as a comment or a rejection.

The number of examples per property is kept small enough for the normal suite; the same properties run
at scale with ``python benchmarks/fuzz_readers.py``.
"""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation.cli import cli
from moderation.errors import ModerationError
from moderation.ingest import iter_records
from moderation.records import Article, Comment, Rejected

EXAMPLES = int(os.environ.get("MODERATION_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

NASTY_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf"),
        include_characters="\u200b\u200d\u202e\u2066\ufeff\x00\x1b[]<>&\"',\n\r\t",
    ),
    max_size=200,
)


def read_all(path: Path, fmt: str | None = None) -> list:
    """Non-strict reading must only ever yield records, never raise anything but our own errors."""
    try:
        return list(iter_records([str(path)], fmt=fmt, strict=False))
    except ModerationError:
        return []


def counts(records: list) -> tuple[int, int]:
    return sum(isinstance(r, Comment) for r in records), sum(isinstance(r, Rejected) for r in records)


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | NASTY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NASTY_TEXT, children, max_size=4),
    max_leaves=20,
)
row = st.one_of(
    st.fixed_dictionaries({"id": st.one_of(NASTY_TEXT, st.integers()), "text": NASTY_TEXT}),
    st.dictionaries(st.sampled_from(["id", "text", "author", "article_id", "parent_id", "x"]), json_value, max_size=5),
    json_value,
)


@SETTINGS
@given(
    rows=st.lists(
        st.one_of(row.map(lambda r: json.dumps(r)), NASTY_TEXT.filter(lambda t: "\n" not in t and "\r" not in t)),
        max_size=30,
    )
)
def test_jsonl_every_line_is_a_comment_or_a_rejection(tmp_path_factory, rows: list[str]) -> None:
    path = tmp_path_factory.mktemp("j") / "in.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    records = read_all(path)
    lines = [r for r in rows if r.encode("utf-8", "surrogatepass").strip()]  # blank as the reader sees bytes
    comments, rejected = counts(records)
    assert comments + rejected == len(lines)


@SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".jsonl", ".csv", ".txt", ".xml", ".tsv"]))
def test_random_bytes_never_crash_any_reader(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("b") / f"in{suffix}"
    path.write_bytes(data)
    for record in read_all(path):
        assert isinstance(record, Article | Comment | Rejected)
    result = CliRunner().invoke(cli, ["ingest", str(path)])
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output


@SETTINGS
@given(cells=st.lists(st.tuples(NASTY_TEXT, NASTY_TEXT), min_size=1, max_size=20))
def test_csv_with_quotes_and_newlines_round_trips(tmp_path_factory, cells: list[tuple[str, str]]) -> None:
    import csv

    path = tmp_path_factory.mktemp("c") / "in.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        for i, (_, text) in enumerate(cells):
            writer.writerow([f"r{i}", text.replace("\x00", "")])
    records = read_all(path)
    comments, rejected = counts(records)
    assert comments + rejected == len(cells)
    by_id = {r.id: r.text for r in records if isinstance(r, Comment)}
    for i, (_, text) in enumerate(cells):
        if f"r{i}" in by_id:
            # documented normalisation: line endings inside a cell become \n, and text is stripped
            assert by_id[f"r{i}"] == text.replace("\x00", "").replace("\r\n", "\n").strip()


@SETTINGS
@given(text=NASTY_TEXT, cut=st.integers(min_value=0, max_value=400))
def test_truncated_wxr_is_rejected_not_crashed(tmp_path_factory, text: str, cut: int) -> None:
    from xml.sax.saxutils import escape

    document = (
        '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
        f"<title>{escape(text)}</title><wp:post_id>1</wp:post_id><wp:comment><wp:comment_id>9</wp:comment_id>"
        f"<wp:comment_content>{escape(text)}</wp:comment_content></wp:comment></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")
    path = tmp_path_factory.mktemp("x") / "in.xml"
    path.write_bytes(document[: len(document) - cut])
    for record in read_all(path):
        assert isinstance(record, Article | Comment | Rejected)


def test_entity_expansion_and_external_entities_are_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
        + "]><rss><channel><item><title>&lol9;</title></item></channel></rss>"
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><item><title>&xxe;</title></item></channel></rss>"
    )
    for name, payload in (("laughs.xml", laughs), ("xxe.xml", external)):
        path = tmp_path / name
        path.write_text(payload)
        records = read_all(path)
        assert all(isinstance(r, Rejected) for r in records) and records
        assert not any("root:" in (r.reason or "") for r in records)
        result = CliRunner().invoke(cli, ["ingest", str(path)])
        assert result.exit_code == 1 and "Traceback" not in result.output


def test_huge_comment_and_a_million_blank_lines_stay_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w") as out:
        out.write(json.dumps({"id": "big", "text": "x" * 1_000_000}) + "\n")
        out.write("\n" * 1_000_000)
        out.write(json.dumps({"id": "last", "text": "still read"}) + "\n")
    tracemalloc.start()
    seen = 0
    for record in iter_records([str(path)], strict=False):
        seen += isinstance(record, Comment)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seen == 2
    assert peak < 50_000_000  # the file is 2 MB; nothing should hold all its lines


def test_bom_nul_and_mixed_encodings(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"id": "1", "text": "bom first"}).encode() + b"\n"
        + b'{"id": "2", "text": "caf\xe9 latin-1"}\n'
        + b'{"id": "3", "text": "nul \x00 inside"}\n'
        + json.dumps({"id": "4", "text": "\u202eright-to-left \u200b zero width 👩🏽‍⚕️ e\u0301"}).encode() + b"\n"
    )  # fmt: skip
    records = read_all(path)
    comments, rejected = counts(records)
    assert comments + rejected == 4
    texts = {r.id: r.text for r in records if isinstance(r, Comment)}
    assert texts.get("1") == "bom first"
    assert "👩🏽‍⚕️" in texts.get("4", "")

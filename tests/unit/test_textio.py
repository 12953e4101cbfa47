"""The line-length cap: a line past it is a rejected record naming its line, never read whole."""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import cli
from moderation.errors import InputError
from moderation.ingest import iter_records
from moderation.ingest.textio import OverlongLine, iter_lines
from moderation.records import Comment, Rejected


def test_lines_up_to_the_cap_pass_and_a_longer_one_is_reported_then_reading_goes_on() -> None:
    stream = io.BytesIO(b"12345\r\n" + b"x" * 20 + b"\n" + b"abc\n" + b"y" * 6)
    lines = list(iter_lines(stream, 5))  # type: ignore[arg-type]
    assert [number for number, _ in lines] == [1, 2, 3, 4]
    assert lines[0][1] == b"12345" and lines[2][1] == b"abc"
    overlong = [raw for _, raw in lines if isinstance(raw, OverlongLine)]
    assert [(o.size, o.head[:3]) for o in overlong] == [(20, b"xxx"), (6, b"yyy")]
    assert "20 bytes is longer than the 5-byte limit" in overlong[0].reason


def _comments_file(path: Path, long_text_bytes: int) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps({"id": "1", "text": "first"}) + "\n")
        out.write('{"id": "2", "text": "')
        chunk = "a" * 2**20
        for _ in range(long_text_bytes // len(chunk)):
            out.write(chunk)
        out.write('"}\n')
        out.write(json.dumps({"id": "3", "text": "third"}) + "\n")
    return path


def test_jsonl_line_past_the_cap_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = _comments_file(tmp_path / "c.jsonl", 2 * 2**20)
    records = list(iter_records([str(path)], strict=False, max_line_bytes=2**20))
    assert [r.id for r in records if isinstance(r, Comment)] == ["1", "3"]
    [rejected] = [r for r in records if isinstance(r, Rejected)]
    assert rejected.source == f"{path}:2" and "--max-line-bytes" in rejected.reason
    assert rejected.raw is not None and len(rejected.raw) <= 2000
    with pytest.raises(InputError, match=r"c.jsonl:2: line of 2,097,1\d\d bytes is longer"):
        list(iter_records([str(path)], max_line_bytes=2**20))


def test_csv_row_with_a_line_past_the_cap_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,text\n1,hello\n2," + "b" * 300 + "\n3,bye\n", encoding="utf-8")
    records = list(iter_records([str(path)], strict=False, max_line_bytes=100))
    assert [r.id for r in records if isinstance(r, Comment)] == ["1", "3"]
    [rejected] = [r for r in records if isinstance(r, Rejected)]
    assert rejected.source == f"{path}:3" and "100-byte limit" in rejected.reason


def test_minified_xml_past_the_cap_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text("<rss>\n<channel>" + "<item></item>" * 100 + "</channel></rss>\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"export.xml:2: line of 1,325 bytes is longer than the 1,000-byte"):
        list(iter_records([str(path)], max_line_bytes=1000))


def test_page_with_a_line_past_the_cap_becomes_one_rejection(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("Headline\n\n" + "word " * 100 + "\n", encoding="utf-8")
    [rejected] = list(iter_records([str(path)], strict=False, max_line_bytes=100))
    assert isinstance(rejected, Rejected) and rejected.source == f"{path}:3"


def test_score_cli_takes_the_cap_and_writes_the_rejection(tmp_path: Path) -> None:
    path = _comments_file(tmp_path / "c.jsonl", 2**20)
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(
        cli,
        ["ingest", str(path), "--skip-invalid", "--rejects", str(rejects), "--max-line-bytes", "65536"],
    )
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["1", "3"]
    [reject] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["source"] == f"{path}:2" and "65,536-byte limit" in reject["reason"]


_INGEST_UNDER_LIMIT = """
import resource, sys
limit = int(sys.argv[1]) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from moderation.cli import main
sys.argv = ["moderation", "ingest", *sys.argv[2:]]
main()
"""


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS"), reason="needs an address-space limit")
def test_a_200_mb_line_is_rejected_under_a_memory_limit_smaller_than_it(tmp_path: Path) -> None:
    path = _comments_file(tmp_path / "huge.jsonl", 200 * 2**20)
    out = tmp_path / "out.jsonl"
    rejects = tmp_path / "rejects.jsonl"
    args = [str(path), "-o", str(out), "--skip-invalid", "--rejects", str(rejects)]
    limit_mb = 180  # well under the line's size: reading it whole would fail with MemoryError
    done = subprocess.run(
        [sys.executable, "-c", _INGEST_UNDER_LIMIT, str(limit_mb), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["1", "3"]
    [reject] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["source"] == f"{path}:2" and "209,715,2" in reject["reason"]
    whole = subprocess.run(  # the control: with a cap above the line, the same limit is too small
        [sys.executable, "-c", _INGEST_UNDER_LIMIT, str(limit_mb), *args, "--max-line-bytes", str(2**30)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert whole.returncode != 0 and "MemoryError" in whole.stderr

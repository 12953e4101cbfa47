from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from moderation.cli import cli


def _rows(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_ingest_seeds_prints_every_comment_with_author(seeds_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(seeds_dir)])
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert len(rows) == 118  # 123 gold comment paragraphs; list items join their comment
    assert rows[0]["author"] == "Nato21" and rows[0]["article_id"] == "000_d0eb23f65865b7f6"
    assert {"id", "text", "article_id", "author", "parent_id", "created_at", "source"} <= rows[0].keys()
    assert "ingested 118 comments (5 articles)" in result.stderr


def test_output_file_and_stdin(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["ingest", str(data_dir / "comments.csv"), "-o", str(out)])
    assert result.exit_code == 0
    assert [r["id"] for r in _rows(out.read_text(encoding="utf-8"))] == ["c1", "c2", "c3"]
    piped = CliRunner().invoke(cli, ["ingest", "-"], input='{"id": "s1", "text": "from stdin"}\n')
    assert _rows(piped.stdout)[0]["text"] == "from stdin"


def test_bad_input_is_one_line_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "ok"}\n{"id": 2,\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(path)])
    assert result.exit_code == 1
    expected = f"Error: {path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 10)"
    assert result.stderr.strip() == expected
    assert "Traceback" not in result.output


def test_binary_garbage_and_unknown_format(tmp_path: Path) -> None:
    garbage = tmp_path / "dump.txt"
    garbage.write_bytes(bytes(range(256)) * 4)
    result = CliRunner().invoke(cli, ["ingest", str(garbage)])
    assert result.exit_code == 1 and "binary file" in result.stderr
    other = tmp_path / "x.bin"
    other.write_bytes(b"\x89PNG")
    result = CliRunner().invoke(cli, ["ingest", str(other)])
    assert result.exit_code == 1 and "pass --format" in result.stderr
    result = CliRunner().invoke(cli, ["ingest", str(other), "--format", "jsonl"])
    assert result.exit_code == 1 and "x.bin:1" in result.stderr


def test_skip_invalid_writes_rejects_and_counts_add_up(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"id": "1", "text": "one"}\nnot json\n{"id": "3"}\n{"id": "4", "text": "four"}\n', encoding="utf-8"
    )
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(cli, ["ingest", str(path), "--skip-invalid", "--rejects", str(rejects)])
    assert result.exit_code == 0
    assert [r["id"] for r in _rows(result.stdout)] == ["1", "4"]
    bad = _rows(rejects.read_text(encoding="utf-8"))
    assert [b["source"] for b in bad] == [f"{path}:2", f"{path}:3"]
    assert "invalid JSON" in bad[0]["reason"] and bad[0]["raw"] == "not json"
    assert "rejected 2 records" in result.stderr


def test_skip_invalid_with_a_page_that_cannot_be_decoded(tmp_path: Path, seeds_dir: Path) -> None:
    bad = tmp_path / "latin.txt"
    bad.write_bytes("Titre\n\nCaf\xe9 du commerce.\n".encode("latin-1"))
    rejects = tmp_path / "r.jsonl"
    args = ["ingest", str(bad), str(next(seeds_dir.glob("000_*.txt"))), "--skip-invalid", "--rejects", str(rejects)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0
    assert len(_rows(result.stdout)) == 4
    assert "pass --encoding" in _rows(rejects.read_text(encoding="utf-8"))[0]["reason"]


def test_every_command_has_help_with_an_example() -> None:
    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"`moderation {name} --help` has no example"


def test_unwritable_output_or_rejects_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "1", "text": "ok"}\n{"id": "2"}\n', encoding="utf-8")
    missing_dir = tmp_path / "no" / "such" / "dir"
    for extra in (["--skip-invalid", "--rejects", str(missing_dir / "r.jsonl")], ["-o", str(path / "out.jsonl")]):
        result = CliRunner().invoke(cli, ["ingest", str(path), *extra])
        assert result.exit_code == 1, extra
        assert not isinstance(result.exception, OSError), extra  # reported, not raised
        assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_rejects_file_keeps_unpaired_surrogates_readable(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"id": "1", "text": "half \\udc80 a pair"}\n')
    rejects = tmp_path / "r.jsonl"
    result = CliRunner().invoke(cli, ["ingest", str(path), "--skip-invalid", "--rejects", str(rejects)])
    assert result.exit_code == 0 and result.stdout == ""
    (bad,) = _rows(rejects.read_text(encoding="utf-8"))  # valid UTF-8, and the raw line comes back as it was
    assert "surrogate" in bad["reason"] and bad["raw"] == '{"id": "1", "text": "half \udc80 a pair"}'

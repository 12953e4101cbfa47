"""The Dask engine on a local cluster with two workers: same records as scoring each partition alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import cli

pytest.importorskip("dask.distributed")


def _partition(path: Path, start: int, n: int) -> None:
    with open(path, "w") as out:
        for i in range(start, start + n):
            text = ["you are an idiot", "the budget vote is tuesday", "subscribe to my channel", "nice article"][i % 4]
            out.write(json.dumps({"id": f"c{i}", "text": f"{text} {i}", "article_id": f"a{i // 50}"}) + "\n")
        out.write('{"id": "broken"\n')


def test_dask_engine_matches_single_machine_scoring(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    for k in range(3):
        _partition(parts / f"part-{k}.jsonl", k * 400, 400)
    out = tmp_path / "scored"
    result = CliRunner().invoke(
        cli, ["score", str(parts), "--engine", "dask", "--workers", "2", "--skip-invalid", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "scored 1200 comments in 3 partitions; rejected 3 records" in result.stderr
    for k in range(3):
        single = tmp_path / f"single-{k}.jsonl"
        alone = CliRunner().invoke(cli, ["score", str(parts / f"part-{k}.jsonl"), "--skip-invalid", "-o", str(single)])
        assert alone.exit_code == 0, alone.output
        assert (out / f"part-{k}.scored.jsonl").read_bytes() == single.read_bytes()
        assert len((out / f"part-{k}.rejects.jsonl").read_text().splitlines()) == 1


def test_dask_engine_needs_an_output_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["score", str(tmp_path), "--engine", "dask"])
    assert result.exit_code == 1 and "-o DIR" in result.stderr

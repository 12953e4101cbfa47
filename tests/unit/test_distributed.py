"""The Dask engine: each input file its own output partition, the same records as scoring it alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import cli
from moderation.distributed import partitions
from moderation.errors import InputError

TEXTS = ["you are an idiot", "the budget vote is tuesday", "subscribe to my channel", "nice article"]


def _jsonl(path: Path, start: int, n: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as out:
        for i in range(start, start + n):
            out.write(json.dumps({"id": f"c{i}", "text": f"{TEXTS[i % 4]} {i}", "article_id": f"a{i // 50}"}) + "\n")
        out.write('{"id": "broken"\n')
    return path


def _csv(path: Path, start: int, n: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [f"c{i},{TEXTS[i % 4]} {i},a{i // 50}" for i in range(start, start + n)]
    path.write_text("id,text,article_id\n" + "\n".join(rows) + "\nempty,,a1\nlast,\n")
    return path


def _names(paths: list[str]) -> list[str]:
    return [p.name for p in partitions(paths)]


def test_each_input_gets_its_own_name_from_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a.jsonl", "a.csv", "d1/a.jsonl", "d2/a.jsonl", "archive/2019/01/c.jsonl", "archive/2020/01/c.jsonl"):
        _jsonl(tmp_path / name, 0, 1)
    assert _names(["a.jsonl", "a.csv"]) == ["a.jsonl", "a.csv"]  # one stem, two extensions
    assert _names(["d1/a.jsonl", "d2/a.jsonl"]) == ["d1--a.jsonl", "d2--a.jsonl"]  # one file name, two folders
    assert _names(["d1", "d2/"]) == ["d1--a.jsonl", "d2--a.jsonl"]
    assert _names(["archive"]) == ["archive--2019--01--c.jsonl", "archive--2020--01--c.jsonl"]
    assert _names([str(tmp_path / "archive" / "2019")]) == ["2019--01--c.jsonl"]
    assert _names(["./d1/../d1/a.jsonl"]) == ["d1--a.jsonl"]
    # a name depends on the input alone, not on what else is scored with it
    assert _names(["a.jsonl"]) == ["a.jsonl"] and _names(["d2/a.jsonl"]) == ["d2--a.jsonl"]


@pytest.mark.parametrize(
    ("files", "args", "problem"),
    [
        (["x/d/a.jsonl", "y/d/a.jsonl"], ["x/d/a.jsonl", "y/d/a.jsonl"], "would overwrite that of x/d/a.jsonl"),
        (["x/d/a.jsonl", "y/d/a.jsonl"], ["x/d", "y/d"], "would overwrite that of x/d/a.jsonl"),
        (["p/a.jsonl"], ["p", "p/a.jsonl"], "given twice"),
        (["p/a.jsonl", "q/p/A.jsonl"], ["p/a.jsonl", "q/p/A.jsonl"], "differ only in case"),
    ],
    ids=["same folder name", "same folder name, as folders", "one file twice", "only case differs"],
)
def test_inputs_that_would_still_share_an_output_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[str], args: list[str], problem: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in files:
        _jsonl(tmp_path / name, 0, 1)
    with pytest.raises(InputError, match=problem):
        partitions(args)
    result = CliRunner().invoke(cli, ["score", *args, "--engine", "dask", "-o", "out"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {files[-1]}: ") and problem in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_dask_engine_gives_every_input_its_own_output_the_same_as_scoring_it_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.chdir(tmp_path)
    inputs = {  # output name: input, as the records' `source` names it
        "parts--a.jsonl": _jsonl(Path("parts/a.jsonl"), 0, 60),
        "parts--a.csv": _csv(Path("parts/a.csv"), 60, 60),  # same stem as a.jsonl
        "parts--2019--a.jsonl": _jsonl(Path("parts/2019/a.jsonl"), 120, 60),
        "d1--b.jsonl": _jsonl(Path("d1/b.jsonl"), 180, 60),
        "d2--b.jsonl": _jsonl(Path("d2/b.jsonl"), 240, 60),  # same file name as d1/b.jsonl
    }
    args = ["score", "parts", "d1/b.jsonl", "d2/b.jsonl", "--engine", "dask", "--workers", "2", "--skip-invalid"]
    result = CliRunner().invoke(cli, [*args, "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "scored 300 comments in 5 partitions; rejected 6 records" in result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted([f"{name}.scored.jsonl" for name in inputs] + [f"{name}.rejects.jsonl" for name in inputs])
    for name, source in inputs.items():
        single = tmp_path / f"{name}.single.jsonl"
        alone = CliRunner().invoke(cli, ["score", str(source), "--skip-invalid", "-o", str(single)])
        assert alone.exit_code == 0, alone.output
        # the same code on the same machine: byte for byte
        assert (tmp_path / "out" / f"{name}.scored.jsonl").read_bytes() == single.read_bytes()
        rejects = (tmp_path / "out" / f"{name}.rejects.jsonl").read_text().splitlines()
        assert [json.loads(r)["source"] for r in rejects] == [
            json.loads(r)["source"] for r in Path(f"{single}.rejects.jsonl").read_text().splitlines()
        ]
    pytest.importorskip("matplotlib")
    report = CliRunner().invoke(cli, ["report", "out", "-o", "-"])
    assert report.exit_code == 0, report.output
    assert "<b>300</b><span>comments</span>" in report.stdout
    assert "<b>6</b><span>rejected records</span>" in report.stdout


def test_dask_engine_needs_an_output_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["score", str(tmp_path), "--engine", "dask"])
    assert result.exit_code == 1 and "-o DIR" in result.stderr

import json
from pathlib import Path

import pytest
from conftest import scored_row, write_jsonl

from moderation.errors import InputError
from moderation.report.reading import count_rejects, find_inputs, read_scored


def test_a_scored_file_brings_the_rejects_file_score_wrote_beside_it(tmp_path: Path) -> None:
    scored = write_jsonl(tmp_path / "out.jsonl", [scored_row("1", "hi")])
    write_jsonl(tmp_path / "out.jsonl.rejects.jsonl", [{"source": "in.jsonl:2", "reason": "no text", "raw": "{}"}])
    found = find_inputs([str(scored)])
    assert found.scored == [str(scored)]
    assert found.rejects == [str((tmp_path / "out.jsonl.rejects.jsonl").resolve())]
    assert find_inputs([str(scored)], [str(tmp_path / "out.jsonl.rejects.jsonl")]).rejects == found.rejects


def test_a_dask_output_folder_is_read_partition_by_partition(tmp_path: Path) -> None:
    for name in ("b", "a"):
        write_jsonl(tmp_path / f"{name}.scored.jsonl", [scored_row(name, "hi")])
    (tmp_path / "a.rejects.jsonl").write_text('{"source": "a.csv:3", "reason": "malformed CSV"}\n\n')
    (tmp_path / "c.scored.jsonl.partial").write_text("")
    found = find_inputs([str(tmp_path)])
    assert [Path(p).name for p in found.scored] == ["a.scored.jsonl", "b.scored.jsonl"]
    assert [Path(p).name for p in found.rejects] == ["a.rejects.jsonl"]
    assert [Path(p).name for p in found.unfinished] == ["c.scored.jsonl.partial"]
    assert [row["id"] for row in read_scored(found.scored)] == ["a", "b"]
    tally = count_rejects(found.rejects)
    assert tally.count == 1 and tally.reasons == {"malformed CSV": 1}


def test_a_folder_without_scored_files_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="no scored JSONL files"):
        find_inputs([str(tmp_path)])


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"id": "c1", "text": "hello"}', "no `scores`"),
        ('{"id": "c1", "text": "x", "scores": {"abuse": 2, "conspiracy": 0, "off_topic": 0}, "flags": []}', "abuse"),
        (
            '{"id": "c1", "text": "x", "scores": {"abuse": 0, "conspiracy": 0, "off_topic": 0}, "flags": ["rude"]}',
            "flags",
        ),
        ("[1, 2]", "expected a JSON object"),
        ("{not json", "invalid JSON"),
    ],
)
def test_a_record_not_written_by_score_names_its_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "scored.jsonl"
    path.write_text(json.dumps(scored_row("ok", "fine")) + "\n" + line + "\n")
    with pytest.raises(InputError, match=problem) as err:
        list(read_scored([str(path)]))
    assert str(err.value).startswith(f"{path}:2: ")


def test_rejects_files_are_counted_with_reasons_bounded(tmp_path: Path) -> None:
    lines = [json.dumps({"source": f"x:{i}", "reason": f"reason {i}"}) for i in range(1500)] + ["garbage"]
    (tmp_path / "r.jsonl").write_text("\n".join(lines) + "\n")
    tally = count_rejects([str(tmp_path / "r.jsonl")])
    assert tally.count == 1501
    assert len(tally.reasons) <= 1001 and tally.reasons["other"] == 501

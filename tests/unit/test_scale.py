"""Scoring at scale: interrupted runs resume to identical output; parallel workers keep records and order."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli import cli
from moderation.scoring import Scorer

WORDS = [
    "the",
    "council",
    "budget",
    "vote",
    "idiot",
    "lovely",
    "moron",
    "tax",
    "road",
    "school",
    "vaccine",
    "plot",
    "elites",
    "spam",
    "channel",
]


@pytest.fixture
def big_input(tmp_path: Path) -> Path:
    path = tmp_path / "comments.jsonl"
    with open(path, "w") as out:
        for i in range(4500):
            words = " ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 9))
            row = {"id": f"c{i}", "text": f"{words} {i}", "article_id": f"a{i // 300}"}
            if i % 7 == 3:
                row["parent_id"] = f"c{i - 2}"
            out.write(json.dumps(row) + "\n")
    return path


def test_interrupted_run_resumes_to_the_identical_file(big_input: Path, tmp_path: Path, monkeypatch) -> None:
    whole = tmp_path / "whole.jsonl"
    assert CliRunner().invoke(cli, ["score", str(big_input), "-o", str(whole)]).exit_code == 0
    original = Scorer.score_batches

    def interrupted(self, records, skip=0):
        for n, batch in enumerate(original(self, records, skip)):
            if n == 2:
                raise KeyboardInterrupt
            yield batch

    monkeypatch.setattr(Scorer, "score_batches", interrupted)
    resumed = tmp_path / "resumed.jsonl"
    first = CliRunner().invoke(cli, ["score", str(big_input), "-o", str(resumed)])
    assert first.exit_code == 130
    assert not resumed.exists()  # nothing half-written under the real name
    assert Path(f"{resumed}.partial").exists() and Path(f"{resumed}.checkpoint").exists()
    monkeypatch.setattr(Scorer, "score_batches", original)
    second = CliRunner().invoke(cli, ["score", str(big_input), "-o", str(resumed), "--resume"])
    assert second.exit_code == 0, second.output
    assert "resuming after" in second.stderr
    assert resumed.read_bytes() == whole.read_bytes()
    assert not Path(f"{resumed}.checkpoint").exists()


def test_resume_refuses_changed_inputs_and_stdout(big_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    Path(f"{out}.partial").write_text("")
    Path(f"{out}.checkpoint").write_text(json.dumps({"fingerprint": "other", "comments": 0, "bytes": 0}))
    result = CliRunner().invoke(cli, ["score", str(big_input), "-o", str(out), "--resume"])
    assert result.exit_code == 1 and "changed since the interrupted run" in result.stderr
    result = CliRunner().invoke(cli, ["score", str(big_input), "--resume"])
    assert result.exit_code == 1 and "--resume needs -o FILE" in result.stderr


def test_killed_process_resumes_to_the_identical_file(big_input: Path, tmp_path: Path) -> None:
    whole = tmp_path / "whole.jsonl"
    assert CliRunner().invoke(cli, ["score", str(big_input), "-o", str(whole)]).exit_code == 0
    out = tmp_path / "killed.jsonl"
    command = [sys.executable, "-m", "moderation", "score", str(big_input), "-o", str(out)]
    proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    checkpoint = Path(f"{out}.checkpoint")
    deadline = time.monotonic() + 60
    while not checkpoint.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    result = CliRunner().invoke(cli, ["score", str(big_input), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == whole.read_bytes()


def test_parallel_scoring_gives_the_same_records_in_the_same_order(big_input: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert CliRunner().invoke(cli, ["score", str(big_input), "-o", str(one)]).exit_code == 0
    result = CliRunner().invoke(cli, ["score", str(big_input), "-o", str(two), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert two.read_bytes() == one.read_bytes()

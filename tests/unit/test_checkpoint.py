"""Checkpoints: the first batch, then at most one a second, always consistent with the bytes written."""

from __future__ import annotations

import json
from pathlib import Path

from moderation import checkpoint
from moderation.checkpoint import CheckpointedOutput


def test_checkpoints_the_first_batch_then_at_most_once_a_second(tmp_path: Path, monkeypatch) -> None:
    clock = iter([100.0, 100.2, 100.9, 101.1, 101.5])
    monkeypatch.setattr(checkpoint.time, "monotonic", lambda: next(clock))
    target = CheckpointedOutput(tmp_path / "out.jsonl", "fp", resume=False)
    stream = target.open()
    written = []
    for batch in range(5):
        stream.write(f'{{"batch": {batch}}}\n')
        target.mark(10)
        written.append(json.loads(target.checkpoint.read_text()))
    assert [state["comments"] for state in written] == [10, 10, 10, 40, 40]
    assert written[3]["bytes"] == len("".join(f'{{"batch": {b}}}\n' for b in range(4)))
    assert target.done == 50
    target.finish()
    assert not target.checkpoint.exists() and (tmp_path / "out.jsonl").read_text().count("\n") == 5

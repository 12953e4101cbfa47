"""Batch scoring that survives interruption: write to a temporary file, checkpoint between batches (the
first one, then at most once a second: each checkpoint waits for the disk), rename into place at the end.
``--resume`` truncates the temporary file to the last checkpoint and carries on from there, so the finished
file is identical to one written without interruption.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from moderation.errors import InputError
from moderation.ingest import expand_paths

CHECKPOINT_SECONDS = 1.0
"""At most one checkpoint a second: an interrupted run redoes at most a second's work, and a fast run does not
wait for the disk after every batch."""


def inputs_fingerprint(paths: tuple[str, ...], options: dict[str, object]) -> str:
    """What a checkpoint is valid for: the input files (name, size, mtime) and the scoring options."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode())
    for path in expand_paths(paths):
        if path == "-":
            raise InputError("--resume needs files, not standard input", path="-")
        stat = os.stat(path)
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@dataclass
class CheckpointedOutput:
    """An output file written through ``OUT.partial`` with progress in ``OUT.checkpoint``."""

    output: Path
    fingerprint: str
    resume: bool

    def __post_init__(self) -> None:
        self.partial = self.output.with_name(self.output.name + ".partial")
        self.checkpoint = self.output.with_name(self.output.name + ".checkpoint")
        self.done = 0
        self._stream: IO[str] | None = None
        self._checkpointed_at = -CHECKPOINT_SECONDS

    def open(self) -> IO[str]:
        """The stream to write to, positioned after the last checkpoint when resuming."""
        self.output.parent.mkdir(parents=True, exist_ok=True)
        if self.resume and self.checkpoint.exists() and self.partial.exists():
            state = json.loads(self.checkpoint.read_text(encoding="utf-8"))
            if state.get("fingerprint") != self.fingerprint:
                raise InputError(
                    "the inputs or options changed since the interrupted run; run again without --resume",
                    path=str(self.checkpoint),
                )
            self.done = int(state["comments"])
            stream = open(self.partial, "r+", encoding="utf-8", newline="")  # noqa: SIM115
            stream.truncate(int(state["bytes"]))
            stream.seek(int(state["bytes"]))
        else:
            stream = open(self.partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._stream = stream
        return stream

    def mark(self, comments: int) -> None:
        """A batch of ``comments`` is written; unless the last checkpoint is recent, make everything written so
        far durable and record how far we got."""
        assert self._stream is not None
        self.done += comments
        now = time.monotonic()
        if now - self._checkpointed_at < CHECKPOINT_SECONDS:
            return
        self._checkpointed_at = now
        self._stream.flush()
        os.fsync(self._stream.fileno())
        state = {"fingerprint": self.fingerprint, "comments": self.done, "bytes": self._stream.tell()}
        tmp = self.checkpoint.with_name(self.checkpoint.name + ".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.checkpoint)

    def finish(self) -> None:
        assert self._stream is not None
        self._stream.flush()
        os.fsync(self._stream.fileno())
        self._stream.close()
        os.replace(self.partial, self.output)
        self.checkpoint.unlink(missing_ok=True)

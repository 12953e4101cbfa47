import csv
import io
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moderation.errors import StoreError
from moderation.records import Comment, ScoredComment
from moderation.store import SCHEMA_VERSION, Store, decision_examples, spreadsheet_safe


def scored(cid: str, text: str, flags=("abuse",), author: str | None = "ana") -> ScoredComment:
    scores = {"abuse": 0.9 if "abuse" in flags else 0.1, "conspiracy": 0.1, "off_topic": 0.1}
    return ScoredComment(Comment(id=cid, text=text, author=author, article_id="a1"), scores, tuple(flags), {}, (), "v1")


def c(cid: str, text: str, article: str | None = None) -> Comment:
    return Comment(id=cid, text=text, article_id=article)


def test_record_undo_and_standing_decisions() -> None:
    with Store(":memory:", moderator="ana") as store:
        store.remember([scored("1", "you idiot"), scored("2", "nice")])
        store.record(c("1", "you idiot", "a1"), "remove", labels=["abuse"], reason="insult", model_version="v1")
        store.record(c("2", "nice", "a1"), "approve")
        assert {k: d.action for k, d in store.current().items()} == {"a1/1": "remove", "a1/2": "approve"}
        undone = store.undo_last()
        assert [d.key for d in undone] == ["a1/2"]
        assert set(store.current()) == {"a1/1"}
        actions = [d.action for d in store.log()]
        assert actions == ["remove", "approve", "undo"]  # append-only: the undo is a row of its own


def test_bulk_decisions_are_one_unit_for_undo() -> None:
    with Store(":memory:") as store:
        items = [c(str(i), f"text {i}") for i in range(5)]
        store.record_many(items, "approve")
        assert len(store.current()) == 5
        assert len(store.undo_last()) == 5
        assert store.current() == {}
        assert store.undo_last() == []


def test_unknown_action_or_label_is_refused() -> None:
    with Store(":memory:") as store:
        with pytest.raises(StoreError, match="unknown action"):
            store.record(c("1", "x"), "delete")
        with pytest.raises(StoreError, match="unknown labels"):
            store.record(c("1", "x"), "remove", labels=["rude"])


def test_schema_is_versioned_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    with Store(path) as store:
        store.record(c("1", "x"), "approve")
    with Store(path) as again:
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert list(again.current()) == ["1"]


def test_two_sessions_claims_keep_each_other_off(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    with Store(path, moderator="ana") as ana, Store(path, moderator="bo") as bo:
        assert ana.claim("c1")
        assert not bo.claim("c1")
        assert bo.claimed_by_others() == {"c1": "ana"}
        assert bo.claim("c2")
        ana.record(c("c1", "text"), "remove")  # deciding releases the claim
        assert bo.claim("c1")
        assert ana.claimed_by_others() == {"c1": "bo"}


def test_expired_claims_do_not_block(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    with Store(path, moderator="ana") as ana, Store(path, moderator="bo") as bo:
        assert ana.claim("c1", lease=0.01)
        time.sleep(0.05)
        assert bo.claim("c1")


def test_export_jsonl_and_csv_neutralises_formulas() -> None:
    with Store(":memory:", moderator="ana") as store:
        store.remember([scored("1", '=HYPERLINK("http://evil")')])
        store.record(c("1", '=HYPERLINK("http://evil")', "a1"), "remove", reason="+spam")
        out = io.StringIO()
        assert store.export(out, "jsonl") == 1
        row = json.loads(out.getvalue())
        assert row["action"] == "remove" and row["text"].startswith("=HYPERLINK")
        out = io.StringIO()
        store.export(out, "csv")
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert rows[0]["text"].startswith("'=") and rows[0]["reason"] == "'+spam"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)" and spreadsheet_safe("fine") == "fine"


def test_decisions_become_training_examples(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    with Store(path) as store:
        store.remember([scored("1", "you idiot"), scored("2", "nice", flags=()), scored("3", "lies", flags=())])
        store.record(c("1", "you idiot", "a1"), "remove")  # no correction: the flags shown count
        store.record(c("2", "nice", "a1"), "approve")
        store.record(c("3", "lies", "a1"), "remove", labels=["conspiracy"])
    examples = {e.text: e.labels for e in decision_examples(str(path))}
    assert examples["you idiot"]["abuse"] == 1 and examples["you idiot"]["conspiracy"] == 0
    assert examples["nice"] == {"abuse": 0, "conspiracy": 0, "spam": 0, "off_topic": None}
    assert examples["lies"]["conspiracy"] == 1 and examples["lies"]["abuse"] == 0


def test_read_only_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    with Store(path) as store:
        store.record(c("1", "x"), "approve")
        store.db.execute("PRAGMA query_only = ON")  # what a read-only file looks like to SQLite, even for root
        with pytest.raises(StoreError, match="read-only"):
            store.record(c("2", "y"), "approve")
        assert list(store.current()) == ["1"]  # reading still works


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes, not sqlite\n" * 100)
    with pytest.raises(StoreError, match="not a decisions database"):
        Store(path)


WRITER = """
import sys
from moderation.records import Comment
from moderation.store import Store
store = Store(sys.argv[1], moderator="killer")
i = 0
while True:
    d = store.record(Comment(f"c{i}", f"text {i}"), "approve" if i % 2 else "remove")
    print(d.seq, flush=True)  # acknowledged only after the commit returned
    i += 1
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_mid_session_loses_nothing_acknowledged(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "d.db"
    Store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    acknowledged = []
    deadline = time.monotonic() + 0.3 + random.Random(seed).random() * 0.7
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            acknowledged.append(int(line))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    acknowledged += [int(line) for line in proc.stdout.read().split()]
    assert acknowledged, "the writer never got going"
    with Store(path) as store:
        assert store.integrity() == "ok"
        saved = {d.seq for d in store.log()}
    assert set(acknowledged) <= saved


def test_concurrent_writers_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    Store(path).close()
    script = """
import sys
from moderation.records import Comment
from moderation.store import Store
store = Store(sys.argv[1], moderator=sys.argv[2])
for i in range(200):
    store.record(Comment(f"{sys.argv[2]}-{i}", "t"), "approve")
"""
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), name]) for name in ("ana", "bo", "cy")]
    exports = 0
    with Store(path, moderator="auditor") as auditor:
        while any(p.poll() is None for p in procs):  # an export running all along, as an auditor would
            exports += 1
            auditor.export(io.StringIO(), "csv")
    assert all(p.wait(timeout=120) == 0 for p in procs) and exports > 0
    db = sqlite3.connect(path)
    ids = [r[0] for r in db.execute("SELECT key FROM decisions")]
    assert len(ids) == 600 and len(set(ids)) == 600

"""Moderators' decisions in SQLite: an append-only log, committed the moment each decision is made.

- WAL journal with ``synchronous=FULL``: once ``record`` returns, the decision survives a killed process
  or a power cut.
- Append-only: an undo is a new row pointing at the decision it takes back; nothing is updated or deleted,
  so the log is also the audit trail.
- The schema is versioned (``PRAGMA user_version``) and migrated forward on open.
- Two moderators can share one database: a comment on screen is claimed for a short lease so the other
  is not shown it, and writes retry with backoff instead of failing with "database is locked".
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import random
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from moderation.errors import StoreError
from moderation.labels import LABELS
from moderation.records import ScoredComment

ACTIONS = ("approve", "remove", "escalate")
CLAIM_SECONDS = 120.0
T = TypeVar("T")

MIGRATIONS: list[str] = [
    # 1: comments seen, decisions log, claims
    """
    CREATE TABLE comments (
        id TEXT PRIMARY KEY,
        text_hash TEXT NOT NULL,
        text TEXT NOT NULL,
        article_id TEXT,
        article_title TEXT,
        author TEXT,
        parent_id TEXT,
        created_at TEXT,
        source TEXT,
        scores TEXT,
        flags TEXT,
        model_version TEXT
    );
    CREATE INDEX comments_author ON comments(author);
    CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        comment_id TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('approve', 'remove', 'escalate', 'undo')),
        labels TEXT,
        reason TEXT,
        moderator TEXT NOT NULL,
        session TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        model_version TEXT,
        undoes INTEGER REFERENCES decisions(seq)
    );
    CREATE INDEX decisions_comment ON decisions(comment_id);
    CREATE INDEX decisions_session ON decisions(session);
    CREATE TABLE claims (
        comment_id TEXT PRIMARY KEY,
        session TEXT NOT NULL,
        moderator TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class Decision:
    """One row of the log."""

    seq: int
    comment_id: str
    action: str
    labels: tuple[str, ...] | None
    reason: str | None
    moderator: str
    session: str
    decided_at: str
    model_version: str | None
    undoes: int | None = None


def _row_to_decision(row: sqlite3.Row) -> Decision:
    labels = json.loads(row["labels"]) if row["labels"] else None
    return Decision(
        seq=row["seq"],
        comment_id=row["comment_id"],
        action=row["action"],
        labels=tuple(labels) if labels is not None else None,
        reason=row["reason"],
        moderator=row["moderator"],
        session=row["session"],
        decided_at=row["decided_at"],
        model_version=row["model_version"],
        undoes=row["undoes"],
    )


def _explain(err: sqlite3.Error, path: str) -> StoreError:
    message = str(err)
    if "readonly" in message or "read-only" in message:
        return StoreError(f"{path}: the decisions database is read-only; decisions cannot be saved")
    if "disk is full" in message or "full" in message:
        return StoreError(f"{path}: the disk is full; the last decision was not saved")
    if "not a database" in message or "malformed" in message:
        return StoreError(f"{path}: not a decisions database (or it is damaged): {message}")
    return StoreError(f"{path}: {message}")


class Store:
    """One connection to a decisions database; one per moderator session."""

    def __init__(self, path: str | Path, *, moderator: str = "moderator", session: str | None = None) -> None:
        self.path = str(path)
        self.moderator = moderator
        self.session = session or uuid.uuid4().hex[:12]
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 10000")
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.Error as err:
            raise _explain(err, self.path) from None
        self.read_only = False

    # ------------------------------------------------------------------ plumbing

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: made by a newer version of moderation (schema {version})")
        for number in range(version, SCHEMA_VERSION):
            self._write(lambda n=number: self._apply_migration(n))

    def _apply_migration(self, number: int) -> None:
        for statement in MIGRATIONS[number].split(";"):
            if statement.strip():
                self.db.execute(statement)
        self.db.execute(f"PRAGMA user_version = {number + 1}")

    def _write(self, work: Callable[[], T], attempts: int = 8) -> T:
        """Run ``work`` in one IMMEDIATE transaction, retrying with backoff while another writer holds the lock."""
        delay = 0.02
        for attempt in range(attempts):
            try:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    result = work()
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise
                self.db.execute("COMMIT")
                return result
            except sqlite3.OperationalError as err:
                if ("locked" in str(err) or "busy" in str(err)) and attempt < attempts - 1:
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 1.0)
                    continue
                raise _explain(err, self.path) from None
            except sqlite3.Error as err:
                raise _explain(err, self.path) from None
        raise StoreError(f"{self.path}: the database stayed locked; try again")

    def close(self) -> None:
        with contextlib.suppress(StoreError):
            self.release()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def integrity(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    # ------------------------------------------------------------------ comments

    def remember(self, scored: Iterable[ScoredComment], titles: dict[str, str | None] | None = None) -> None:
        """Keep a snapshot of the comments under review (their text is what training learns from)."""
        titles = titles or {}
        rows = [
            (
                s.comment.id,
                text_hash(s.comment.text),
                s.comment.text,
                s.comment.article_id,
                titles.get(s.comment.article_id or ""),
                s.comment.author,
                s.comment.parent_id,
                s.comment.created_at,
                s.comment.source,
                json.dumps(s.scores),
                json.dumps(list(s.flags)),
                s.model_version,
            )
            for s in scored
        ]
        self._write(
            lambda: self.db.executemany(
                "INSERT OR REPLACE INTO comments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
        )

    # ------------------------------------------------------------------ decisions

    def record(
        self,
        comment_id: str,
        text: str,
        action: str,
        *,
        labels: Sequence[str] | None = None,
        reason: str | None = None,
        model_version: str | None = None,
    ) -> Decision:
        """Append a decision and commit it before returning."""
        if action not in ACTIONS:
            raise StoreError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
        return self.record_many(
            [(comment_id, text)], action, labels=labels, reason=reason, model_version=model_version
        )[0]

    def record_many(
        self,
        items: Sequence[tuple[str, str]],
        action: str,
        *,
        labels: Sequence[str] | None = None,
        reason: str | None = None,
        model_version: str | None = None,
    ) -> list[Decision]:
        """Decide several comments at once, in one transaction: all are saved or none."""
        if action not in ACTIONS:
            raise StoreError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
        if labels is not None:
            unknown = set(labels) - set(LABELS)
            if unknown:
                raise StoreError(f"unknown labels: {', '.join(sorted(unknown))}")
        stamp = now_iso()
        labels_json = json.dumps(sorted(labels)) if labels is not None else None

        def work() -> list[Decision]:
            out = []
            for comment_id, text in items:
                cursor = self.db.execute(
                    "INSERT INTO decisions (comment_id, text_hash, action, labels, reason, moderator, session,"
                    " decided_at, model_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (comment_id, text_hash(text), action, labels_json, reason, self.moderator, self.session, stamp,
                     model_version),
                )  # fmt: skip
                out.append(
                    Decision(cursor.lastrowid or 0, comment_id, action, tuple(sorted(labels)) if labels is not None
                             else None, reason, self.moderator, self.session, stamp, model_version)
                )  # fmt: skip
            self.db.executemany("DELETE FROM claims WHERE comment_id = ?", [(c,) for c, _ in items])
            return out

        return self._write(work)

    def undo_last(self) -> list[Decision]:
        """Take back this session's most recent decision (all of it, if it was a bulk one); returns what was undone."""

        def work() -> list[Decision]:
            rows = self.db.execute(
                "SELECT * FROM decisions d WHERE session = ? AND action != 'undo'"
                " AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.seq)"
                " ORDER BY seq DESC",
                (self.session,),
            ).fetchall()
            if not rows:
                return []
            stamp = rows[0]["decided_at"]
            batch = [r for r in rows if r["decided_at"] == stamp and r["action"] == rows[0]["action"]]
            now = now_iso()
            for r in batch:
                self.db.execute(
                    "INSERT INTO decisions (comment_id, text_hash, action, labels, reason, moderator, session,"
                    " decided_at, model_version, undoes) VALUES (?, ?, 'undo', NULL, NULL, ?, ?, ?, ?, ?)",
                    (r["comment_id"], r["text_hash"], self.moderator, self.session, now, r["model_version"], r["seq"]),
                )
            return [_row_to_decision(r) for r in batch]

        return self._write(work)

    def current(self, comment_ids: Iterable[str] | None = None) -> dict[str, Decision]:
        """Each comment's standing decision: its latest one that has not been undone."""
        query = (
            "SELECT * FROM decisions d WHERE action != 'undo'"
            " AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.seq) ORDER BY seq"
        )
        wanted = set(comment_ids) if comment_ids is not None else None
        out: dict[str, Decision] = {}
        for row in self.db.execute(query):
            if wanted is None or row["comment_id"] in wanted:
                out[row["comment_id"]] = _row_to_decision(row)
        return out

    def log(self) -> Iterator[Decision]:
        for row in self.db.execute("SELECT * FROM decisions ORDER BY seq"):
            yield _row_to_decision(row)

    def author_history(self, author: str, limit: int = 50) -> list[tuple[str, str, str | None]]:
        """(comment id, text, standing action or None) for an author's comments seen in this database."""
        rows = self.db.execute(
            "SELECT id, text FROM comments WHERE author = ? ORDER BY rowid DESC LIMIT ?", (author, limit)
        ).fetchall()
        standing = self.current(r["id"] for r in rows)
        return [(r["id"], r["text"], standing[r["id"]].action if r["id"] in standing else None) for r in rows]

    # ------------------------------------------------------------------ claims

    def claim(self, comment_id: str, lease: float = CLAIM_SECONDS) -> bool:
        """Hold a comment for this session; False when another live session holds it."""
        now = time.time()

        def work() -> bool:
            row = self.db.execute(
                "SELECT session, expires_at FROM claims WHERE comment_id = ?", (comment_id,)
            ).fetchone()
            if row and row["session"] != self.session and row["expires_at"] > now:
                return False
            self.db.execute("DELETE FROM claims WHERE session = ?", (self.session,))
            self.db.execute(
                "INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?)",
                (comment_id, self.session, self.moderator, now + lease),
            )
            return True

        return self._write(work)

    def claimed_by_others(self) -> dict[str, str]:
        """Comment id -> moderator, for live claims of other sessions."""
        rows = self.db.execute(
            "SELECT comment_id, moderator FROM claims WHERE session != ? AND expires_at > ?",
            (self.session, time.time()),
        )
        return {r["comment_id"]: r["moderator"] for r in rows}

    def release(self) -> None:
        self._write(lambda: self.db.execute("DELETE FROM claims WHERE session = ?", (self.session,)))

    # ------------------------------------------------------------------ export and training

    def export(self, stream: IO[str], fmt: str = "jsonl") -> int:
        """Write the whole log (undo rows included) for audit or other systems; returns rows written."""
        fields = ["seq", "comment_id", "action", "labels", "reason", "moderator", "session", "decided_at",
                  "model_version", "undoes", "text_hash", "author", "article_id", "text"]  # fmt: skip
        rows = self.db.execute(
            "SELECT d.*, c.author, c.article_id, c.text FROM decisions d LEFT JOIN comments c ON c.id = d.comment_id"
            " ORDER BY d.seq"
        )
        n = 0
        if fmt == "csv":
            writer = csv.writer(stream)
            writer.writerow(fields)
            for row in rows:
                writer.writerow([spreadsheet_safe(row[f]) for f in fields])
                n += 1
        else:
            for row in rows:
                record = {f: row[f] for f in fields}
                record["labels"] = json.loads(record["labels"]) if record["labels"] else None
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
        return n

    def labeled_comments(self) -> Iterator[tuple[str, dict[str, int], str | None]]:
        """(text, labels, model version shown) for each comment with a standing approve or remove.

        Removed with corrected labels: those labels are 1, the others 0. Removed without corrections: the
        labels the model flagged are 1. Approved: 0 for every label. Escalated comments teach nothing yet.
        """
        texts = {
            r["id"]: (r["text"], json.loads(r["flags"] or "[]")) for r in self.db.execute("SELECT * FROM comments")
        }
        for comment_id, decision in self.current().items():
            if comment_id not in texts or decision.action == "escalate":
                continue
            text, flags = texts[comment_id]
            if decision.action == "approve":
                yield text, dict.fromkeys(LABELS, 0), decision.model_version
            else:
                chosen = set(decision.labels) if decision.labels is not None else set(flags)
                if chosen:
                    yield text, {label: int(label in chosen) for label in LABELS}, decision.model_version


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise cells a spreadsheet would run as a formula (=, +, -, @, tab, carriage return)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def decision_examples(path: str) -> list[Any]:
    """Moderators' standing decisions as training examples (source "decisions", always in the train split)."""
    from moderation.datasets.records import Example, labels

    with Store(path, moderator="training") as store:
        out = []
        for text, chosen, _ in store.labeled_comments():
            spam = 0 if chosen["off_topic"] == 0 else None  # off-topic may be irrelevance, not spam: unknown
            out.append(
                Example(
                    text=text,
                    labels=labels(abuse=chosen["abuse"], conspiracy=chosen["conspiracy"], spam=spam),
                    source="decisions",
                    group=text_hash(text),
                )
            )
        return out

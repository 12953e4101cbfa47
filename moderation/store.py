"""Moderators' decisions in SQLite: an append-only log, committed the moment each decision is made.

- WAL journal with ``synchronous=FULL``: once ``record`` returns, the decision survives a killed process
  or a power cut.
- Append-only: an undo is a new row pointing at the decision it takes back; nothing is updated or deleted,
  so the log is also the audit trail.
- The schema is versioned (``PRAGMA user_version``) and migrated forward on open.
- Two moderators can share one database: a comment on screen is claimed for a short lease so the other
  is not shown it, and writes retry with backoff instead of failing with "database is locked".
- Comments, decisions and claims are known by the comment's key (``moderation.identity``), and each
  decision keeps the text it was made on: a decision whose comment reads differently now is reported
  as changed since decided, never applied to the new text.
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
from moderation.identity import comment_key
from moderation.labels import LABELS
from moderation.records import Comment, ScoredComment

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
    # 2: comments known by key (article-scoped id), decisions keep their key and text, claims by key.
    # Schema 1 knew comments by source id alone, so of two comments sharing an id only the last one
    # remembered was kept: a decision maps onto it only when its text is the one decided on; the others
    # keep key NULL until a queue holding their comment is opened (see ``Store._adopt_unkeyed``).
    """
    ALTER TABLE comments RENAME TO comments_v1;
    DROP INDEX comments_author;
    CREATE TABLE comments (
        key TEXT PRIMARY KEY,
        id TEXT NOT NULL,
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
    INSERT INTO comments SELECT comment_key(article_id, id), id, text_hash, text, article_id, article_title,
        author, parent_id, created_at, source, scores, flags, model_version FROM comments_v1;
    DROP TABLE comments_v1;
    CREATE INDEX comments_author ON comments(author);
    ALTER TABLE decisions ADD COLUMN key TEXT;
    ALTER TABLE decisions ADD COLUMN text TEXT;
    UPDATE decisions SET
        key = (SELECT c.key FROM comments c WHERE c.id = decisions.comment_id AND c.text_hash = decisions.text_hash),
        text = (SELECT c.text FROM comments c WHERE c.id = decisions.comment_id AND c.text_hash = decisions.text_hash);
    CREATE INDEX decisions_key ON decisions(key);
    DROP TABLE claims;
    CREATE TABLE claims (
        key TEXT PRIMARY KEY,
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
    """One row of the log. ``key`` is the comment's identity, ``comment_id`` the id its source gave it."""

    seq: int
    key: str | None
    comment_id: str
    text_hash: str
    action: str
    labels: tuple[str, ...] | None
    reason: str | None
    moderator: str
    session: str
    decided_at: str
    model_version: str | None
    undoes: int | None = None

    def made_on(self, text: str) -> bool:
        """Whether this decision was made on this text (False: the comment changed since it was decided)."""
        return self.text_hash == text_hash(text)


def _row_to_decision(row: sqlite3.Row) -> Decision:
    labels = json.loads(row["labels"]) if row["labels"] else None
    return Decision(
        seq=row["seq"],
        key=row["key"],
        comment_id=row["comment_id"],
        text_hash=row["text_hash"],
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
            self.db.create_function("comment_key", 2, comment_key, deterministic=True)
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
        scored = list(scored)
        rows = [
            (
                s.comment.key,
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

        def work() -> None:
            self.db.executemany("INSERT OR REPLACE INTO comments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self._adopt_unkeyed([s.comment for s in scored])

        self._write(work)

    def _adopt_unkeyed(self, comments: Sequence[Comment]) -> None:
        """Give decisions migrated from schema 1 without a key the key of the comment they were made on.

        Schema 1 knew a comment by its source id alone. A decision goes to the comment with that source id
        whose text is the one decided on; failing that, to the only comment with that source id, where it
        then shows as changed since decided. When neither settles it, it waits for another queue.
        """
        unkeyed = self.db.execute("SELECT seq, comment_id, text_hash FROM decisions WHERE key IS NULL").fetchall()
        if not unkeyed:
            return
        by_source: dict[str, list[Comment]] = {}
        for comment in comments:
            by_source.setdefault(comment.id, []).append(comment)
        for row in unkeyed:
            candidates = by_source.get(row["comment_id"], [])
            same_text = [c for c in candidates if text_hash(c.text) == row["text_hash"]]
            if len(same_text) == 1:
                chosen, text = same_text[0], same_text[0].text
            elif not same_text and len(candidates) == 1:
                chosen, text = candidates[0], None
            else:
                continue
            self.db.execute(
                "UPDATE decisions SET key = ?, text = COALESCE(text, ?) WHERE seq = ? AND key IS NULL",
                (chosen.key, text, row["seq"]),
            )

    # ------------------------------------------------------------------ decisions

    def record(
        self,
        comment: Comment,
        action: str,
        *,
        labels: Sequence[str] | None = None,
        reason: str | None = None,
        model_version: str | None = None,
    ) -> Decision:
        """Append a decision and commit it before returning."""
        if action not in ACTIONS:
            raise StoreError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
        return self.record_many([comment], action, labels=labels, reason=reason, model_version=model_version)[0]

    def record_many(
        self,
        comments: Sequence[Comment],
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
            for c in comments:
                digest = text_hash(c.text)
                cursor = self.db.execute(
                    "INSERT INTO decisions (key, comment_id, text_hash, text, action, labels, reason, moderator,"
                    " session, decided_at, model_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (c.key, c.id, digest, c.text, action, labels_json, reason, self.moderator, self.session, stamp,
                     model_version),
                )  # fmt: skip
                out.append(
                    Decision(cursor.lastrowid or 0, c.key, c.id, digest, action, tuple(sorted(labels))
                             if labels is not None else None, reason, self.moderator, self.session, stamp,
                             model_version)
                )  # fmt: skip
            self.db.executemany("DELETE FROM claims WHERE key = ?", [(c.key,) for c in comments])
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
                    "INSERT INTO decisions (key, comment_id, text_hash, text, action, labels, reason, moderator,"
                    " session, decided_at, model_version, undoes)"
                    " VALUES (?, ?, ?, ?, 'undo', NULL, NULL, ?, ?, ?, ?, ?)",
                    (r["key"], r["comment_id"], r["text_hash"], r["text"], self.moderator, self.session, now,
                     r["model_version"], r["seq"]),
                )  # fmt: skip
            return [_row_to_decision(r) for r in batch]

        return self._write(work)

    def current(self, keys: Iterable[str] | None = None) -> dict[str, Decision]:
        """Each comment's standing decision, by key: its latest one that has not been undone.

        Whether it still applies is for the caller to check against the comment's text (``made_on``).
        """
        query = (
            "SELECT * FROM decisions d WHERE action != 'undo' AND key IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.seq) ORDER BY seq"
        )
        wanted = set(keys) if keys is not None else None
        out: dict[str, Decision] = {}
        for row in self.db.execute(query):
            if wanted is None or row["key"] in wanted:
                out[row["key"]] = _row_to_decision(row)
        return out

    def log(self) -> Iterator[Decision]:
        for row in self.db.execute("SELECT * FROM decisions ORDER BY seq"):
            yield _row_to_decision(row)

    def author_history(self, author: str, limit: int = 50) -> list[tuple[str, str, str | None]]:
        """(comment key, text, standing action or None) for an author's comments seen in this database."""
        rows = self.db.execute(
            "SELECT key, text FROM comments WHERE author = ? ORDER BY rowid DESC LIMIT ?", (author, limit)
        ).fetchall()
        standing = self.current(r["key"] for r in rows)
        return [(r["key"], r["text"], standing[r["key"]].action if r["key"] in standing else None) for r in rows]

    # ------------------------------------------------------------------ claims

    def claim(self, key: str, lease: float = CLAIM_SECONDS) -> bool:
        """Hold a comment (by key) for this session; False when another live session holds it."""
        now = time.time()

        def work() -> bool:
            row = self.db.execute("SELECT session, expires_at FROM claims WHERE key = ?", (key,)).fetchone()
            if row and row["session"] != self.session and row["expires_at"] > now:
                return False
            self.db.execute("DELETE FROM claims WHERE session = ?", (self.session,))
            self.db.execute(
                "INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?)",
                (key, self.session, self.moderator, now + lease),
            )
            return True

        return self._write(work)

    def claimed_by_others(self) -> dict[str, str]:
        """Comment key -> moderator, for live claims of other sessions."""
        rows = self.db.execute(
            "SELECT key, moderator FROM claims WHERE session != ? AND expires_at > ?",
            (self.session, time.time()),
        )
        return {r["key"]: r["moderator"] for r in rows}

    def release(self) -> None:
        self._write(lambda: self.db.execute("DELETE FROM claims WHERE session = ?", (self.session,)))

    # ------------------------------------------------------------------ export and training

    def export(self, stream: IO[str], fmt: str = "jsonl") -> int:
        """Write the whole log (undo rows included) for audit or other systems; returns rows written.

        Each row names the comment by ``key`` (and the source's ``comment_id``), carries the text the
        decision was made on, and ``changed_since_decided``: true when the comment last seen under that key
        reads differently, null when that is unknown (a decision from schema 1 not yet matched to a comment).
        """
        fields = ["seq", "key", "comment_id", "action", "labels", "reason", "moderator", "session", "decided_at",
                  "model_version", "undoes", "text_hash", "changed_since_decided", "author", "article_id",
                  "text"]  # fmt: skip
        rows = self.db.execute(
            "SELECT d.*, c.author, c.article_id,"
            " COALESCE(d.text, CASE WHEN c.text_hash = d.text_hash THEN c.text END) AS text,"
            " CASE WHEN c.key IS NULL THEN NULL ELSE c.text_hash != d.text_hash END AS changed_since_decided"
            " FROM decisions d LEFT JOIN comments c ON c.key = d.key ORDER BY d.seq"
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
                changed = record["changed_since_decided"]
                record["changed_since_decided"] = None if changed is None else bool(changed)
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
        return n

    def labeled_comments(self) -> Iterator[tuple[str, dict[str, int], str | None]]:
        """(text, labels, model version shown) for each comment with a standing approve or remove.

        The text is the one the decision was made on, even if the comment changed since. Removed with
        corrected labels: those labels are 1, the others 0. Removed without corrections: the labels the
        model flagged are 1. Approved: 0 for every label. Escalated comments teach nothing yet.
        """
        rows = self.db.execute(  # the flags shown are known only while the comment reads as it did
            "SELECT d.seq, COALESCE(d.text, CASE WHEN c.text_hash = d.text_hash THEN c.text END) AS text,"
            " CASE WHEN c.text_hash = d.text_hash THEN c.flags END AS flags"
            " FROM decisions d LEFT JOIN comments c ON c.key = d.key WHERE d.key IS NOT NULL"
        )
        texts = {r["seq"]: (r["text"], json.loads(r["flags"] or "[]")) for r in rows}
        for decision in self.current().values():
            text, flags = texts.get(decision.seq, (None, []))
            if text is None or decision.action == "escalate":
                continue
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

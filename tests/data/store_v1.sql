-- A decisions database as written by schema version 1 (comments keyed by source id alone),
-- made by that version's Store: two comments share id 11 under articles a1 and a2, so the
-- second overwrote the first in `comments`; the removal was made on a1's comment.
BEGIN TRANSACTION;
CREATE TABLE claims (
        comment_id TEXT PRIMARY KEY,
        session TEXT NOT NULL,
        moderator TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
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
INSERT INTO "comments" VALUES('11','cda6d40018e0410c','Thanks for the clear explanation.','a2',NULL,'reader',NULL,NULL,'merged.jsonl:11','{"abuse": 0.1, "conspiracy": 0.1, "off_topic": 0.1}','[]','v1');
INSERT INTO "comments" VALUES('7','96aaf99f000787d4','Fair point about the budget.','a1',NULL,'reader',NULL,NULL,'merged.jsonl:7','{"abuse": 0.1, "conspiracy": 0.1, "off_topic": 0.1}','[]','v1');
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
INSERT INTO "decisions" VALUES(1,'11','8cb1d0ce5535f33a','remove','["abuse"]',NULL,'ana','s-ana','2026-12-01T05:55:01.951+00:00','v1',NULL);
INSERT INTO "decisions" VALUES(2,'7','96aaf99f000787d4','approve',NULL,NULL,'ana','s-ana','2026-12-01T05:55:01.955+00:00','v1',NULL);
CREATE INDEX comments_author ON comments(author);
CREATE INDEX decisions_comment ON decisions(comment_id);
CREATE INDEX decisions_session ON decisions(session);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('decisions',2);
COMMIT;
PRAGMA user_version = 1;

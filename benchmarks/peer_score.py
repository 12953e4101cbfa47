"""alt-profanity-check as a whole process over a JSONL file, the way `moderation score` is run over one.

Reads the comments (JSON lines with `id` and `text`), scores them with ``profanity_check.predict_prob`` in
batches of 10,000 and writes one ``{"id", "profanity"}`` line per comment: the same work around the model
that `moderation score` does (read, score, write), with the standard library's json, as a user would.

    python benchmarks/peer_score.py comments.jsonl scored.jsonl
"""

from __future__ import annotations

import json
import sys

BATCH = 10_000


def main(source: str, target: str) -> None:
    from profanity_check import predict_prob

    def write(out, rows: list[dict]) -> None:
        for row, p in zip(rows, predict_prob([row["text"] for row in rows]), strict=True):
            out.write(json.dumps({"id": row["id"], "profanity": round(float(p), 4)}) + "\n")

    rows: list[dict] = []
    with open(source, encoding="utf-8") as lines, open(target, "w", encoding="utf-8") as out:
        for line in lines:
            if line.strip():
                rows.append(json.loads(line))
            if len(rows) == BATCH:
                write(out, rows)
                rows = []
        if rows:
            write(out, rows)


if __name__ == "__main__":
    main(*sys.argv[1:3])

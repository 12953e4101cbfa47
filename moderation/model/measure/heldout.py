"""Held-out test files: written at training time, measured with ``moderation evaluate``.

Writing the test splits as ordinary labeled files means the model card's figures are exactly what
``moderation evaluate FILE`` prints for anyone who reruns it, on data the model never trained on.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from moderation.datasets import Example
from moderation.model.measure.fairness import identity_sentences

NEWS = ("c3", "ucc", "socc")
TWEETS = ("olid", "davidson")
INTRUDER_SHARE = 0.2


def _row(i: int, e: Example, **labels: int | None) -> dict[str, Any]:
    return {"id": f"{e.source}-{i}", "text": e.text, **{k: v for k, v in labels.items()}}


def _write(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def off_topic_rows(test: Sequence[tuple[int, Example]], seed: int = 0) -> list[dict[str, Any]]:
    """Test articles' own comments (on topic) with comments from other test articles slipped in (off topic).

    Each thread gets intruders numbering a fifth of its own comments, so a thread stays mostly itself,
    as in real comment sections.
    """
    rng = random.Random(seed)
    threads: dict[str, list[tuple[int, Example]]] = defaultdict(list)
    for i, e in test:
        if e.source in ("c3", "socc", "qatar"):
            threads[f"{e.source}:{e.group}"].append((i, e))
    keys = sorted(k for k, members in threads.items() if len(members) >= 2)
    rows: list[dict[str, Any]] = []
    for key in keys:
        members = threads[key]
        source = key.split(":", 1)[0]
        pool = [k for k in keys if k != key and k.split(":", 1)[0] == source]
        if not pool:
            continue
        context = members[0][1].context or ""
        article = {"article_id": key, "article_title": None, "article_text": context or None}
        if source == "socc" and context:
            article = {"article_id": key, "article_title": context, "article_text": None}
        thread_rows = [{**_row(i, e, off_topic=0), **article} for i, e in members]
        for _ in range(max(1, round(INTRUDER_SHARE * len(members)))):
            i, e = rng.choice(threads[rng.choice(pool)])
            thread_rows.insert(
                rng.randrange(len(thread_rows) + 1), {**_row(i, e, off_topic=1), "id": f"x{len(rows)}-{i}", **article}
            )
        rows.extend(thread_rows)
    return rows


def write_heldout(examples: Sequence[Example], splits: Sequence[str], out_dir: Path) -> dict[str, int]:
    """Write every test file; returns rows per file name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    test = [(i, e) for i, (e, s) in enumerate(zip(examples, splits, strict=True)) if s == "test"]
    written = {}

    def labeled(sources: Sequence[str], target: str, as_label: str) -> list[dict[str, Any]]:
        return [
            {**_row(i, e, **{as_label: e.labels[target]}), "article_id": f"{e.source}:{e.group}"}
            for i, e in test
            if e.source in sources and e.labels.get(target) is not None
        ]

    files = {
        "news_abuse.jsonl": labeled(NEWS, "abuse", "abuse"),
        "tweets_abuse.jsonl": labeled(TWEETS, "abuse", "abuse"),
        "psycomark_conspiracy.jsonl": labeled(("psycomark",), "conspiracy", "conspiracy"),
        "youtube_spam.jsonl": [_row(i, e, off_topic=e.labels["spam"]) for i, e in test if e.source == "youtube"],
        "news_off_topic.jsonl": off_topic_rows(test),
        "identity_templates.jsonl": [
            {"id": f"identity-{k}", "text": t, "abuse": 0} for k, t in enumerate(identity_sentences())
        ],
    }
    for name, rows in files.items():
        if rows:
            written[name] = _write(out_dir / name, rows)
    return written

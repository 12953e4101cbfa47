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


def off_topic_rows(
    test: Sequence[tuple[int, Example]], seed: int = 0, generic: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Test articles' own comments (on topic) with comments from other test articles slipped in (off topic).

    Each thread gets intruders numbering a fifth of its own comments, so a thread stays mostly itself,
    as in real comment sections. ``generic`` replies ("Well said.") join random threads as on topic.
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
    if generic and rows:
        starts = [k for k, row in enumerate(rows) if k == 0 or row["article_id"] != rows[k - 1]["article_id"]]
        for n, text in enumerate(generic):
            at = rng.choice(starts)
            context = {k: rows[at][k] for k in ("article_id", "article_title", "article_text")}
            rows.insert(at + 1, {"id": f"g{n}", "text": text, "off_topic": 0, **context})
            starts = [k + (k > at) for k in starts]
    return rows


def dynahate_group(example: Example, pair_targets: dict[str, str]) -> str:
    """The attacked group of a DynaHate row, or of its contrast partner (only hate rows record one): the first of
    several, without the ".wom"/".man" refinement ("bla.wom" is a slice of "bla")."""
    target = example.target or pair_targets.get(example.group) or ""
    return target.split(",")[0].strip().split(".")[0]


def write_heldout(
    examples: Sequence[Example],
    splits: Sequence[str],
    out_dir: Path,
    extra: dict[str, list[dict[str, Any]]] | None = None,
) -> dict[str, int]:
    """Write every test file (and ``extra`` files, name -> rows); returns rows per file name."""
    from moderation.model.measure.identity import template_shapes

    out_dir.mkdir(parents=True, exist_ok=True)
    test = [(i, e) for i, (e, s) in enumerate(zip(examples, splits, strict=True)) if s == "test"]
    written = {}
    pair_targets = {e.group: e.target for e in examples if e.source == "dynahate" and e.target}
    shapes = template_shapes() if any(e.source == "identity" for _, e in test) else {}

    def with_group(source: str, group: Any) -> list[dict[str, Any]]:
        return [
            {**_row(i, e, abuse=e.labels["abuse"]), "group": group(e)}
            for i, e in test
            if e.source == source and e.labels.get("abuse") is not None
        ]

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
        "dynahate_abuse.jsonl": with_group("dynahate", lambda e: dynahate_group(e, pair_targets)),
        "toxigen_annotated_abuse.jsonl": with_group("toxigen_annotated", lambda e: e.target or ""),
        "hatexplain_abuse.jsonl": labeled(("hatexplain",), "abuse", "abuse"),
        "pan_conspiracy.jsonl": labeled(("pan",), "conspiracy", "conspiracy"),
        "identity_heldout.jsonl": [
            {**_row(i, e, abuse=e.labels["abuse"]), "group": e.target, "shape": shapes.get(e.group, "")}
            for i, e in test
            if e.source == "identity"
        ],
        "generic_replies.jsonl": [_row(i, e, abuse=0, conspiracy=0) for i, e in test if e.source == "generic"],
        **(extra or {}),
    }
    for name, rows in files.items():
        if rows:
            written[name] = _write(out_dir / name, rows)
    return written


def written_heldout(datasets_dir: str | Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Test files from the project's own measuring sets: the off-topic checks (articles with on-topic comments,
    replies, intruders and held-out generic replies) and criticism without a plot against conspiracy claims."""
    from moderation.model.measure.offtopic_checks import DEFAULT_PATH, check_rows, load_offtopic_checks
    from moderation.model.narratives.measuring_set import load_measuring_set

    root = Path(datasets_dir) if datasets_dir else DEFAULT_PATH.parents[1]
    checks = load_offtopic_checks(root / "offtopic_checks" / "checks.toml")
    measuring = load_measuring_set(root / "critical_not_conspiracy" / "statements.toml")
    return {
        "offtopic_checks.jsonl": check_rows(checks),
        "critical_not_conspiracy.jsonl": [
            {"id": f"measured-{k}", "text": s.text, "conspiracy": int(s.conspiratorial), "domain": s.domain}
            for k, s in enumerate(measuring.statements)
        ],
    }

"""What moderators' decisions buy: retrain with them and measure on the same site's other articles.

A base model is trained without any Globe and Mail comments (C3, UCC, SOCC). Then moderators "review"
the comments of a share of C3's articles: each C3 comment with a known abuse label becomes a decision in
a real decisions database (removed with the abuse label when abusive, approved otherwise), written
through the store exactly as the review app writes them. ``moderation train --decisions`` is replayed
with that database, and both models are measured on the C3 comments of the articles nobody reviewed.
Reviews are counted in decisions (whole articles, in a fixed article order, until the count is reached).

    python benchmarks/retrain_gain.py --data-dir ../shared/datasets               # the full tier
    python benchmarks/retrain_gain.py --data-dir ../shared/datasets --tier fast   # the linear tier
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

import numpy as np

from moderation.datasets import load_corpus
from moderation.model.linear.training import train as train_fast
from moderation.model.measure.metrics import label_metrics
from moderation.records import Comment, ScoredComment
from moderation.store import Store, decision_examples

GLOBE_AND_MAIL = ("c3", "ucc", "socc")


def article_share(group: str) -> float:
    """A stable number in [0, 1) per article, so shares are nested: 10% reviewed is inside 25%."""
    return int(hashlib.sha1(group.encode()).hexdigest()[:8], 16) / 2**32


def write_decisions(db: Path, examples) -> int:
    with Store(db, moderator="simulated") as store:
        scored = [
            ScoredComment(
                Comment(id=f"c3-{i}", text=e.text, article_id=e.group),
                dict.fromkeys(("abuse", "conspiracy", "off_topic"), 0.0),
            )
            for i, e in enumerate(examples)
        ]
        store.remember(scored)
        for s, e in zip(scored, examples, strict=True):
            if e.labels["abuse"]:
                store.record(s.comment, "remove", labels=["abuse"])
            else:
                store.record(s.comment, "approve")
    return len(examples)


def train(data_dir: Path, tier: str, **options):
    """``moderation train`` (or ``train --fast``) as a function, quietly."""
    fast, _, ts = train_fast(data_dir, progress=quiet, cross_domain=False, **options)
    if tier == "fast":
        return fast
    from moderation.model.full.training import train_full

    return train_full(fast, ts, progress=quiet)


def quiet(message: str) -> None:
    return None


def first_articles(c3, n: int):
    """Whole articles, in article-share order, until ``n`` comments are reviewed."""
    reviewed = []
    for group in sorted({e.group for e in c3 if article_share(e.group) < 0.5}, key=article_share):
        if len(reviewed) >= n:
            break
        reviewed.extend(e for e in c3 if e.group == group)
    return reviewed


def measure(model, examples) -> dict:
    probs = model.head_probabilities([e.text for e in examples])
    probs = (probs[0] if isinstance(probs, tuple) else probs)["abuse"]
    y = np.array([e.labels["abuse"] for e in examples])
    return label_metrics(y, probs, model.thresholds["abuse"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    parser.add_argument("--decisions", default="200,1000,4000", help="decision counts to retrain with")
    parser.add_argument("--tier", choices=("full", "fast"), default="full")
    args = parser.parse_args()
    c3 = [e for e in load_corpus("c3", args.data_dir).examples if e.labels["abuse"] is not None]
    held_out = [e for e in c3 if article_share(e.group) >= 0.5]
    articles = len({e.group for e in held_out})
    abusive = sum(e.labels["abuse"] for e in held_out)
    print(f"C3 comments with an abuse label: {len(c3)}; measured on {len(held_out)} comments of {articles} "
          f"unreviewed articles ({abusive} abusive)")  # fmt: skip
    started = time.perf_counter()
    base = train(args.data_dir, args.tier, exclude=GLOBE_AND_MAIL)
    rows = [("none (base)", 0, 0, measure(base, held_out))]
    for count in (int(n) for n in args.decisions.split(",")):
        reviewed = first_articles(c3, count)
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "decisions.db"
            write_decisions(db, reviewed)
            extra = decision_examples(str(db))
        model = train(args.data_dir, args.tier, extra=extra, exclude=GLOBE_AND_MAIL)
        removed = sum(e.labels["abuse"] for e in extra)
        rows.append((f"{len({e.group for e in reviewed})} articles", len(extra), removed, measure(model, held_out)))
    print(f"{'reviewed':<18} {'decisions':>9} {'removed':>8} {'ROC-AUC':>8} {'AP':>6} {'P':>6} {'R':>6} {'F1':>6}")
    for name, n, removed, m in rows:
        print(f"{name:<18} {n:>9} {removed:>8} {m['roc_auc']:>8.3f} {m['average_precision']:>6.3f} "
              f"{m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}")  # fmt: skip
    print(f"{args.tier} tier; ROC-AUC gain over the base: " + ", ".join(
        f"{n} decisions {m['roc_auc'] - rows[0][3]['roc_auc']:+.3f}" for _, n, _, m in rows[1:]
    ))  # fmt: skip
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

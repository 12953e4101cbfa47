"""What moderators' decisions buy: retrain with them and measure on the same site's other articles.

A base model is trained without any Globe and Mail comments (C3, UCC, SOCC). Then moderators "review"
the comments of a share of C3's articles: each C3 comment with a known abuse label becomes a decision in
a real decisions database (removed with the abuse label when abusive, approved otherwise), written
through the store exactly as the review app writes them. ``moderation train --decisions`` is replayed
with that database, and both models are measured on the C3 comments of the articles nobody reviewed.

    python benchmarks/retrain_gain.py --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

import numpy as np

from moderation.datasets import load_corpus
from moderation.model.metrics import label_metrics
from moderation.model.training import train
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


def measure(model, examples) -> dict:
    probs = model.head_probabilities([e.text for e in examples])[0]["abuse"]
    y = np.array([e.labels["abuse"] for e in examples])
    return label_metrics(y, probs, model.thresholds["abuse"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    parser.add_argument("--shares", default="0.1,0.25,0.5")
    args = parser.parse_args()
    c3 = [e for e in load_corpus("c3", args.data_dir).examples if e.labels["abuse"] is not None]
    held_out = [e for e in c3 if article_share(e.group) >= 0.5]
    articles = len({e.group for e in held_out})
    abusive = sum(e.labels["abuse"] for e in held_out)
    print(f"C3 comments with an abuse label: {len(c3)}; measured on {len(held_out)} comments of {articles} "
          f"unreviewed articles ({abusive} abusive)")  # fmt: skip
    quiet = lambda message: None  # noqa: E731
    started = time.perf_counter()
    base, _, _ = train(args.data_dir, exclude=GLOBE_AND_MAIL, progress=quiet, cross_domain=False)
    rows = [("none (base)", 0, 0, measure(base, held_out))]
    for share in (float(s) for s in args.shares.split(",")):
        reviewed = [e for e in c3 if article_share(e.group) < share]
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "decisions.db"
            write_decisions(db, reviewed)
            extra = decision_examples(str(db))
        model, _, _ = train(args.data_dir, extra=extra, exclude=GLOBE_AND_MAIL, progress=quiet, cross_domain=False)
        rows.append(
            (f"{share:.0%} of articles", len(extra), sum(e.labels["abuse"] for e in extra), measure(model, held_out))
        )
    print(f"{'reviewed':<18} {'decisions':>9} {'removed':>8} {'ROC-AUC':>8} {'AP':>6} {'P':>6} {'R':>6} {'F1':>6}")
    for name, n, removed, m in rows:
        print(f"{name:<18} {n:>9} {removed:>8} {m['roc_auc']:>8.3f} {m['average_precision']:>6.3f} "
              f"{m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f}")  # fmt: skip
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()

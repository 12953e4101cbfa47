from moderation.queue import ReviewQueue
from moderation.records import Comment, ScoredComment

THRESHOLDS = {"abuse": 0.5, "conspiracy": 0.5, "off_topic": 0.5}


def item(cid: str, abuse: float, conspiracy: float = 0.0, *, author: str = "x", created: str = "", article="a"):
    scores = {"abuse": abuse, "conspiracy": conspiracy, "off_topic": 0.0}
    flags = tuple(k for k, v in scores.items() if v >= 0.5)
    comment = Comment(id=cid, text=f"text {cid}", author=author, created_at=created, article_id=article)
    return ScoredComment(comment, scores, flags)


def make() -> ReviewQueue:
    return ReviewQueue(
        [
            item("low", 0.05, created="2024-01-03", article="b"),
            item("high", 0.95, created="2024-01-01"),
            item("edge", 0.49, created="2024-01-02", author="troll"),
            item("cons", 0.1, 0.8, author="troll", article="b"),
        ],
        THRESHOLDS,
    )


def ids(q: ReviewQueue) -> list[str]:
    return [q.items[i].comment.id for i in q.view]


def test_orders() -> None:
    q = make()
    assert ids(q)[:2] == ["high", "cons"]
    q.set_sort("uncertain")
    assert ids(q)[0] == "edge"
    q.set_sort("newest")
    assert ids(q) == ["low", "edge", "high", "cons"]
    q.set_sort("article")
    assert ids(q) == ["high", "edge", "cons", "low"]


def test_filters_by_label_state_author_and_search() -> None:
    q = make()
    q.filters.label = "conspiracy"
    q.refresh()
    assert ids(q) == ["cons"]
    q.filters.label = "unflagged"
    q.refresh()
    assert set(ids(q)) == {"low", "edge"}
    q.filters.label = "all"
    q.filters.author = "troll"
    q.refresh()
    assert set(ids(q)) == {"edge", "cons"}
    q.filters.author = None
    q.filters.search = "TEXT HIGH"
    q.refresh()
    assert ids(q) == ["high"]


def test_decided_comments_leave_the_pending_view_and_counts_follow() -> None:
    q = make()
    q.mark("a/high", "remove")
    q.count_decision()
    q.refresh()
    assert "high" not in ids(q)
    counts = q.counts()
    assert (counts["pending"], counts["removed"], counts["flagged_abuse"]) == (3, 1, 1)
    q.filters.state = "removed"
    q.refresh()
    assert ids(q) == ["high"]
    q.mark("a/high", None)  # undone
    assert q.counts()["pending"] == 4
    assert q.rate_per_minute() > 0


def test_next_pending_wraps_and_claims_hide() -> None:
    q = make()
    q.filters.state = "all"
    q.refresh()
    q.mark(q.items[q.view[1]].comment.key, "approve")
    assert q.next_pending(0) == 2
    assert q.next_pending(3) == 0
    assert q.set_hidden(["a/high"]) and "high" not in ids(q)
    assert not q.set_hidden(["a/high"])

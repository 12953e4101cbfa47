from moderation.queue import SORTS, ReviewQueue
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


# ---------------------------------------------------------------------- the default order: most harmful first

SITE = {"abuse": 0.80, "conspiracy": 0.70, "off_topic": 0.505}


def scored(cid: str, **scores: float) -> ScoredComment:
    """A comment flagged at SITE's thresholds; unnamed labels score 0.01."""
    full = {"abuse": 0.01, "conspiracy": 0.01, "off_topic": 0.01, **scores}
    flags = tuple(label for label, p in full.items() if p >= SITE[label])
    return ScoredComment(Comment(id=cid, text=cid, article_id="a"), full, flags)


def harm_queue(*items: ScoredComment, severity: dict[str, float] | None = None) -> ReviewQueue:
    if severity is None:
        return ReviewQueue(list(items), SITE)
    return ReviewQueue(list(items), SITE, severity=severity)


MIXED = (
    scored("thanks for the report", off_topic=0.67),
    scored("buy cheap watches", off_topic=0.99),
    scored("the moon landing was staged", conspiracy=0.95),
    scored("you worthless idiot", abuse=0.99),
    scored("a fair point, mostly", abuse=0.60),
)


def test_an_insult_comes_above_spam_conspiracy_and_off_topic_remarks() -> None:
    q = harm_queue(*MIXED)
    assert ids(q) == [
        "you worthless idiot",
        "the moon landing was staged",
        "buy cheap watches",
        "thanks for the report",
        "a fair point, mostly",
    ]
    assert q.placement(q.view[0]).describe() == "abuse 0.99 ≥ 0.80"
    assert q.placement(q.view[3]).describe() == "off-topic 0.67 ≥ 0.51"


def test_a_weak_abuse_flag_still_comes_above_a_certain_off_topic_one() -> None:
    q = harm_queue(scored("spam", off_topic=0.999), scored("rude", abuse=0.81), scored("cranky", conspiracy=0.71))
    assert ids(q) == ["rude", "cranky", "spam"]


def test_within_a_label_the_likeliest_comes_first_and_ties_keep_the_input_order() -> None:
    q = harm_queue(scored("b", abuse=0.85), scored("a", abuse=0.97), scored("c", abuse=0.85), scored("d", abuse=0.9))
    assert ids(q) == ["a", "d", "b", "c"]


def test_a_comment_is_placed_by_its_most_severe_flag_not_its_highest_score() -> None:
    q = harm_queue(scored("both", abuse=0.81, off_topic=0.99), scored("insult", abuse=0.9))
    assert ids(q) == ["insult", "both"]
    placed = q.placement(q.index["a/both"])
    assert (placed.label, placed.flagged, placed.describe()) == ("abuse", True, "abuse 0.81 ≥ 0.80")


def test_unflagged_comments_come_last_nearest_miss_first() -> None:
    q = harm_queue(
        scored("far", abuse=0.1),
        scored("near off-topic", off_topic=0.5),  # 99% of its threshold
        scored("near abuse", abuse=0.72),  # 90%
        scored("flagged", off_topic=0.51),
    )
    assert ids(q) == ["flagged", "near off-topic", "near abuse", "far"]
    placed = q.placement(q.index["a/near abuse"])
    assert (placed.label, placed.flagged, placed.describe()) == ("abuse", False, "abuse 0.72 < 0.80")


def test_a_site_that_ranks_conspiracy_above_abuse_sees_it_first() -> None:
    q = harm_queue(*MIXED, severity={"abuse": 2, "conspiracy": 3, "off_topic": 1})
    assert ids(q)[:2] == ["the moon landing was staged", "you worthless idiot"]


def test_equally_severe_labels_share_a_group_ranked_by_score() -> None:
    q = harm_queue(*MIXED, severity={"abuse": 1, "conspiracy": 1, "off_topic": 1})
    assert ids(q) == [
        "buy cheap watches",  # 0.99 like the insult, and earlier in the input
        "you worthless idiot",
        "the moon landing was staged",
        "thanks for the report",
        "a fair point, mostly",
    ]
    tied = {"abuse": 2, "conspiracy": 2, "off_topic": 1}
    both = harm_queue(scored("both", abuse=0.85, conspiracy=0.9), severity=tied)
    assert both.placement(0).label == "conspiracy"  # of equally severe flags, the likeliest places it


def test_comments_scored_later_join_in_their_place() -> None:
    q = harm_queue(*MIXED[:3])
    assert ids(q)[0] == "the moon landing was staged"
    q.extend([MIXED[3], scored("more spam", off_topic=0.98)])
    assert ids(q) == [
        "you worthless idiot",
        "the moon landing was staged",
        "buy cheap watches",
        "more spam",
        "thanks for the report",
    ]
    assert q.placement(q.index["a/you worthless idiot"]).describe() == "abuse 0.99 ≥ 0.80"


def test_every_sort_cycles_and_the_article_order_is_most_harmful_first_within_each() -> None:
    q = harm_queue(*MIXED)
    assert q.sort == "harm"
    assert [q.cycle_sort() for _ in SORTS] == [*SORTS[1:], SORTS[0]]
    q.set_sort("article")
    assert ids(q) == ids(harm_queue(*MIXED))  # one article: the same order

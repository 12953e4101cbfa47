import tracemalloc

import numpy as np
import pytest
from conftest import THRESHOLDS, scored_row

from moderation.queue import ReviewQueue
from moderation.records import Comment, ScoredComment
from moderation.report.summary import (
    EXCERPT_CHARS,
    HISTOGRAM_BINS,
    KEY_CHARS,
    ScoreRange,
    bounded,
    excerpt,
    summarise,
    thresholds_used,
)


def test_counts_per_label_article_and_author() -> None:
    rows = [
        scored_row("1", "you idiot", abuse=0.9, article="a1", title="Bike lanes", author="ann"),
        scored_row("2", "fine", article="a1", title="Bike lanes", author="bob"),
        scored_row("3", "chemtrails", conspiracy=0.8, off_topic=0.9, article="a2", title="Budget", author="ann"),
        scored_row("4", "no article here", article=None, title=None, author=None),
    ]
    summary = summarise(rows)
    assert (summary.comments, summary.flagged) == (4, 2)
    assert summary.per_label == {"abuse": 1, "conspiracy": 1, "off_topic": 1}
    assert summary.named_articles == 2 and summary.named_authors == 2
    ranked = summary.ranked_articles()
    assert [key for key, _ in ranked] == ["a2", "a1", None]  # a2: 1 of 1 flagged, a1: 1 of 2
    assert ranked[0][1].title == "Budget" and ranked[0][1].labels == [0, 1, 1]
    assert [(a, t.flagged, t.comments) for a, t in summary.ranked_authors()] == [("ann", 2, 2)]
    assert sum(summary.histograms["abuse"]) == 4 and summary.histograms["abuse"][HISTOGRAM_BINS - 5] == 1


def test_a_title_given_only_on_later_comments_still_names_the_article() -> None:
    summary = summarise([scored_row("1", "a", title=None), scored_row("2", "b", title="Late title")])
    assert summary.articles["a1"].title == "Late title"


def test_most_harmful_keeps_the_likeliest_first_and_the_earliest_on_ties() -> None:
    rows = [scored_row(str(i), f"comment {i}", abuse=0.5 + (i % 7) / 100) for i in range(200)]
    summary = summarise(rows, top_comments=5)
    abuse, conspiracy, off_topic = summary.most_harmful()
    assert (abuse.labels, abuse.severity, abuse.count) == (("abuse",), 3, 200)
    assert [item.score for item in abuse.comments] == [0.56] * 5
    assert [item.id for item in abuse.comments] == ["6", "13", "20", "27", "34"]
    assert conspiracy.comments == [] and off_topic.count == 0


MIXED = [
    ("thanks for the report", {"off_topic": 0.75}),
    ("buy cheap watches", {"off_topic": 0.99}),
    ("the moon landing was staged", {"conspiracy": 0.95}),
    ("you worthless idiot", {"abuse": 0.99}),
    ("idiot, and off topic too", {"abuse": 0.55, "off_topic": 0.98}),
    ("a fair point, mostly", {"abuse": 0.3}),
]


def mixed_rows() -> list[dict]:
    return [scored_row(f"c{i}", text, **scores) for i, (text, scores) in enumerate(MIXED)]


def test_the_insult_is_the_worst_and_each_comment_is_listed_once_under_its_most_severe_flag() -> None:
    abuse, conspiracy, off_topic = summarise(mixed_rows()).most_harmful()
    assert [c.excerpt.text for c in abuse.comments] == ["you worthless idiot", "idiot, and off topic too"]
    assert abuse.comments[1].also == ("off_topic",)
    assert [c.excerpt.text for c in conspiracy.comments] == ["the moon landing was staged"]
    assert [c.excerpt.text for c in off_topic.comments] == ["buy cheap watches", "thanks for the report"]
    assert off_topic.count == 2  # the comment flagged for abuse too is counted under abuse only


@pytest.mark.parametrize(
    ("severity", "groups"),
    [
        (None, [("abuse",), ("conspiracy",), ("off_topic",)]),
        ({"abuse": 2, "conspiracy": 3, "off_topic": 1}, [("conspiracy",), ("abuse",), ("off_topic",)]),
        ({"abuse": 1, "conspiracy": 1, "off_topic": 1}, [("abuse", "conspiracy", "off_topic")]),
        ({"abuse": 1, "conspiracy": 2, "off_topic": 2}, [("conspiracy", "off_topic"), ("abuse",)]),
    ],
)
def test_the_report_and_the_queue_agree_on_what_is_worst(severity, groups) -> None:
    rows = mixed_rows() + [
        scored_row(f"r{i}", f"random {i}", abuse=a, conspiracy=c, off_topic=o)
        for i, (a, c, o) in enumerate(np.round(np.random.default_rng(3).random((300, 3)), 3).tolist())
    ]
    summary = summarise(rows, top_comments=1000, severity=severity)
    assert [group.labels for group in summary.most_harmful()] == groups
    listed = [c.id for group in summary.most_harmful() for c in group.comments]
    items = [
        ScoredComment(Comment(r["id"], r["text"], article_id=r["article_id"]), r["scores"], tuple(r["flags"]))
        for r in rows
    ]
    queue = ReviewQueue(items, THRESHOLDS, **({"severity": severity} if severity else {}))
    assert listed == [queue.items[i].comment.id for i in queue.view if queue.items[i].flags]


def test_excerpt_of_a_huge_comment_keeps_its_evidence_and_says_what_was_cut() -> None:
    text = "x" * 500_000 + " idiot " + "y" * 500_000
    start = text.index("idiot")
    part = excerpt(text, [(start, start + 5)])
    assert len(part.text) == EXCERPT_CHARS
    (s, e), *_ = part.spans
    assert part.text[s:e] == "idiot"
    assert part.cut_before + len(part.text) + part.cut_after == len(text)
    assert excerpt("short", [(0, 99), (3, 2)]).spans == ()  # spans outside the text are dropped


def test_huge_ids_and_names_are_kept_short_but_distinct() -> None:
    a, b = bounded("n" * 10**6 + "a"), bounded("n" * 10**6 + "b")
    assert a != b and len(a) <= KEY_CHARS and len(b) <= KEY_CHARS
    assert bounded("") is None and bounded(42) == "42"


def test_memory_does_not_grow_with_the_number_of_comments() -> None:
    def rows(n: int):
        for i in range(n):
            yield scored_row(str(i), f"{i} " + "word " * 400, abuse=(i % 100) / 100, article=f"a{i % 50}")

    tracemalloc.start()
    summary = summarise(rows(20_000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert summary.comments == 20_000
    assert peak < 2_000_000  # the comments hold 40 MB of text


def test_thresholds_come_from_the_model_when_its_flags_agree() -> None:
    rows = [scored_row(str(i), "t", abuse=i / 10, conspiracy=i / 10, off_topic=0.1) for i in range(10)]
    summary = summarise(rows)
    used = thresholds_used(summary.ranges, THRESHOLDS)
    assert used["abuse"].value == 0.5 and used["abuse"].how == "the model's threshold"
    overridden = thresholds_used(summary.ranges, {**THRESHOLDS, "conspiracy": 0.3})
    assert overridden["conspiracy"].value == 0.6 and "set when scoring" in overridden["conspiracy"].how
    assert "above 0.5000" in overridden["conspiracy"].how
    unknown = thresholds_used(summary.ranges, None)["off_topic"]
    assert unknown.value is None and "nothing flagged (highest score 0.1000)" in unknown.how


def test_files_flagged_at_different_thresholds_are_called_mixed() -> None:
    seen = ScoreRange()
    seen.add(0.4, True)
    seen.add(0.6, False)
    assert not seen.consistent
    assert thresholds_used({"abuse": seen}, None)["abuse"].value is None
    assert "mixed" in thresholds_used({"abuse": seen}, None)["abuse"].how
    assert ScoreRange(highest_unflagged=0.50004, lowest_flagged=0.5).admits(0.5)  # 4-decimal rounding

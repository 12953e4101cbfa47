"""The scoring engine: requests that could see each other in the model never share a model call."""

from __future__ import annotations

from moderation.model import load_model
from moderation.records import Article, Comment, ScoredComment
from moderation.serve.engine import Job, ScoringEngine


class CallRecorder:
    """Wraps a model, remembering the comment ids of each ``score`` call."""

    def __init__(self, model: object) -> None:
        self.model = model
        self.calls: list[list[str]] = []
        self.version = model.version  # type: ignore[attr-defined]
        self.thresholds = model.thresholds  # type: ignore[attr-defined]

    def score(self, comments: list[Comment], *args: object, **kwargs: object) -> list[ScoredComment]:
        self.calls.append([c.id for c in comments])
        return self.model.score(comments, *args, **kwargs)  # type: ignore[attr-defined]


def fast_engine() -> tuple[ScoringEngine, CallRecorder]:
    recorder = CallRecorder(load_model(fast=True))
    return ScoringEngine(recorder), recorder


def test_independent_requests_share_one_call_and_get_their_own_results() -> None:
    engine, recorder = fast_engine()
    jobs = [Job([Comment(id=f"r{i}", text=text)]) for i, text in enumerate(["you idiot", "thanks", "nice"])]
    results = engine.run(jobs)
    assert recorder.calls == [["r0", "r1", "r2"]]
    assert [r.scored[0].comment.id for r in results] == ["r0", "r1", "r2"]


def test_requests_under_the_same_article_or_with_the_same_keys_are_scored_apart() -> None:
    engine, recorder = fast_engine()
    article = Article(id="a1", text="The council voted on the park budget.")
    jobs = [
        Job([Comment(id="r1", text="Great park plan", article_id="a1")], {"a1": article}),
        Job([Comment(id="r2", text="The vote was rigged", article_id="a1")], {"a1": article}),
        Job([Comment(id="x", text="no article")]),
        Job([Comment(id="x", text="another request, the same key")]),
        Job([Comment(id="r5", text="unrelated")]),
    ]
    results = engine.run(jobs)
    assert recorder.calls == [["r1", "x", "r5"], ["r2", "x"]]
    assert [r.scored[0].comment.text for r in results] == [j.comments[0].text for j in jobs]


def test_a_job_scores_the_same_alone_as_among_others() -> None:
    engine, _ = fast_engine()
    article = Article(id="a1", text="The council voted on the park budget.")
    target = Job([Comment(id="t", text="The park budget vote was fair", article_id="a1")], {"a1": article})
    others = [Job([Comment(id=f"o{i}", text=f"comment number {i} about cheap pills")]) for i in range(10)]
    alone = engine.run([target])[0].scored[0].scores
    among = engine.run([*others[:5], target, *others[5:]])[5].scored[0].scores
    assert alone.keys() == among.keys()
    assert all(abs(alone[label] - among[label]) < 1e-6 for label in alone)


def test_span_jobs_explain_every_label_and_score_each_span_alone() -> None:
    engine, _ = fast_engine()
    text = "Thanks for the report. You worthless idiot."
    result = engine.run([Job([Comment(id="r1", text=text)], spans=True)])[0]
    assert result.spans is not None
    abuse = result.spans[0]["abuse"]
    assert any("idiot" in text[s.begin : s.end] for s in abuse)
    assert all(0.0 <= s.score <= 1.0 for s in abuse)
    scored = result.scored[0]
    limits = engine.effective_thresholds()
    assert scored.flags == tuple(label for label in scored.scores if scored.scores[label] >= limits[label])

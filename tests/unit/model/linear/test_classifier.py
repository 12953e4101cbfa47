from moderation.model.linear.classifier import NO_CONTEXT_NOTE
from moderation.records import Article, Comment


def test_scores_flags_and_evidence(tiny_model) -> None:
    comments = [
        Comment(id="1", text="You are an IDIOT and a moron", article_id="a"),
        Comment(id="2", text="Thanks for the article, good point", article_id="a"),
    ]
    articles = {"a": Article(id="a", title="City budget", text="The city passed its budget.")}
    rude, polite = tiny_model.score(comments, articles)
    assert set(rude.scores) == {"abuse", "conspiracy", "off_topic"}
    assert all(0.0 <= p <= 1.0 for p in rude.scores.values())
    assert rude.scores["abuse"] > polite.scores["abuse"]
    assert "abuse" in rude.flags and "abuse" not in polite.flags
    spans = rude.evidence["abuse"]
    assert any("idiot" in e.text.lower() or "moron" in e.text.lower() for e in spans)
    for e in spans:
        assert comments[0].text[e.start : e.end] == e.text
    assert rude.model_version == "tiny"


def test_without_context_relevance_is_not_judged(tiny_model) -> None:
    [scored] = tiny_model.score([Comment(id="1", text="check out my channel, subscribe")])
    assert scored.notes == (NO_CONTEXT_NOTE,)
    assert "off_topic" in scored.flags  # spam alone still counts


def test_threshold_overrides_change_flags(tiny_model) -> None:
    comment = Comment(id="1", text="you are an idiot")
    [default] = tiny_model.score([comment])
    [strict] = tiny_model.score([comment], thresholds={"abuse": 0.999999})
    assert "abuse" in default.flags and "abuse" not in strict.flags


def test_a_model_trained_with_decisions_gets_a_new_version(tiny_model) -> None:
    from moderation.datasets.records import Example, labels
    from moderation.model.linear.training import model_version

    decision = Example("you idiot", labels(abuse=1, conspiracy=0, spam=0), "decisions", "h1")
    base = model_version(tiny_model, [], [])
    assert base == model_version(tiny_model, [], [])  # same data, same model: same name
    assert model_version(tiny_model, [], [decision]) != base

"""The full tier: encoder heads over the linear tier, its evidence, relevance and tiers on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from same_scores import assert_same_scores

from moderation.errors import ModelError
from moderation.model.full.tier import FullModel
from moderation.records import Article, Comment, ScoredComment


def test_scores_flags_and_says_its_tier(tiny_full_model: FullModel) -> None:
    rude, polite = tiny_full_model.score(
        [Comment("1", "you are an idiot, shut up"), Comment("2", "thanks for the article, good point")]
    )
    assert rude.model_version == "tiny-full"
    assert "abuse" in rude.flags and "abuse" not in polite.flags
    assert rude.scores["abuse"] > polite.scores["abuse"]
    for span in rude.evidence["abuse"]:
        assert rude.comment.text[span.start : span.end] == span.text


def test_a_flag_without_linear_phrases_points_at_a_sentence(tiny_full_model: FullModel) -> None:
    text = "The weather was fine today. Those creatures are vermin and deserve nothing!"
    found = tiny_full_model.evidence(text, ["conspiracy"])["conspiracy"]
    assert len(found) >= 1
    for span in found:
        assert text[span.start : span.end] == span.text and span.text.strip()


def test_relevance_needs_context_and_reads_it(tiny_full_model: FullModel) -> None:
    alone = tiny_full_model.score([Comment("1", "I disagree with the mayor")])[0]
    assert alone.notes  # nothing to compare with: spam only, and a note says so
    article = Article("a", "City budget", "The city council passed the transit budget after a long debate.")
    thread = [
        Comment("1", "The transit budget is far too small for this city.", article_id="a"),
        Comment("2", "Council should have debated the bus routes longer.", article_id="a"),
        Comment("3", "My cat likes to sleep on the warm laptop keyboard.", article_id="a"),
    ]
    on, _also_on, off = tiny_full_model.score(thread, {"a": article})
    assert not on.notes and not off.notes
    assert off.scores["off_topic"] > on.scores["off_topic"]


def test_same_batch_same_scores(tiny_full_model: FullModel) -> None:
    comments = [Comment(str(i), t) for i, t in enumerate(["shut up moron", "nice", "chemtrails control us"])]
    first = [s.scores for s in tiny_full_model.score(comments)]
    assert first == [s.scores for s in tiny_full_model.score(comments)]


def test_saved_full_model_loads_either_tier(tiny_full_model: FullModel, tmp_path: Path) -> None:
    from moderation.model import artifact

    path = tmp_path / "full.joblib"
    artifact.save(tiny_full_model, path, {})
    full = artifact.load_model(path, trusted=True)
    fast = artifact.load_model(path, trusted=True, fast=True)
    assert isinstance(full, FullModel)
    assert fast.version == "tiny" and not hasattr(fast, "fast")
    # read back, relevance runs in the numpy stand-ins rather than scikit-learn: the same scores as users see them
    article = {"a": Article("a", "City budget", "The city council passed the transit budget after a long debate.")}
    comments = [
        Comment("1", "shut up moron", article_id="a"),
        Comment("2", "The transit budget is far too small for this city.", article_id="a"),
        Comment("3", "My cat likes to sleep on the warm laptop keyboard.", article_id="a"),
        Comment("4", "subscribe to my channel for free money"),
    ]
    for loaded, in_memory in ((full, tiny_full_model), (fast, tiny_full_model.fast)):
        for got, want in zip(loaded.score(comments, article), in_memory.score(comments, article), strict=True):
            assert_same_scores(got, want, in_memory.thresholds)


def test_a_model_for_another_encoder_is_refused(tiny_full_model: FullModel) -> None:
    import copy

    other = copy.copy(tiny_full_model)
    other.__dict__.pop("_encoder", None)
    other.encoder_id = "e000000000000"
    with pytest.raises(ModelError, match="retrain it or use --fast"):
        other.score([Comment("1", "hello")])


def test_a_reply_is_compared_with_its_own_parent_not_a_namesake(tiny_full_model: FullModel) -> None:
    """Ids repeat across articles: the parent is found by key, in the batch or among earlier ones."""
    article = Article("a2", "Council meeting", "The council met on Monday and discussed several items.")
    namesake = Comment("7", "My cat sleeps on the laptop.", article_id="a1")
    parent = Comment("7", "The transit budget is too small.", article_id="a2")
    reply = Comment("8", "Agreed, the budget for buses is far too small.", article_id="a2", parent_id="7")
    rows_own = tiny_full_model.relevance_rows(
        [reply], tiny_full_model.embed([reply.text]), np.array([0.1]), {"a2": article}, {parent.key: parent}
    )
    rows_namesake = tiny_full_model.relevance_rows(
        [reply], tiny_full_model.embed([reply.text]), np.array([0.1]), {"a2": article}, {namesake.key: namesake}
    )
    article_only = tiny_full_model.relevance_rows(
        [reply], tiny_full_model.embed([reply.text]), np.array([0.1]), {"a2": article}, {}
    )
    assert rows_own[0, 3] == 1.0 and rows_own[0, 1] > article_only[0, 1]  # the parent is closer than the article
    assert rows_namesake[0, 1] == article_only[0, 1]  # a1/7 is not a2/7


def test_a_conspiracy_flag_names_the_narrative_and_its_sentence(tiny_full_model: FullModel) -> None:
    from moderation.model.narratives.catalogue import load_catalogue

    model = tiny_full_model.with_narratives(load_catalogue())
    text = "Nice weather today. The chemical attack was obviously staged by the White Helmets so the West can bomb."
    first, *_ = model.evidence(text, ["conspiracy"])["conspiracy"]
    assert first.text.startswith("The chemical attack")
    assert first.narratives and any("stag" in name.lower() for name in first.narratives)
    record = ScoredComment(
        Comment("1", text), {"abuse": 0, "conspiracy": 1, "off_topic": 0}, ("conspiracy",), {"conspiracy": [first]}
    ).to_dict()
    assert record["evidence"]["conspiracy"][0]["narratives"] == list(first.narratives)


def test_a_site_adds_its_own_narratives_in_its_config(tiny_full_model: FullModel, tmp_path: Path) -> None:
    from moderation.model.artifact import with_site_narratives
    from moderation.model.narratives.catalogue import load_catalogue

    shipped = tiny_full_model.with_narratives(load_catalogue())
    config = tmp_path / "site.toml"
    config.write_text(
        '[[conspiracy.narrative]]\nid = "bridge-collapse-plot"\nname = "Bridge collapse plot"\n'
        'domain = "other"\ndescription = "The council collapsed the old bridge on purpose to sell the land."\n'
        'statements = ["They knocked the bridge down on purpose to sell the riverside to developers.",'
        ' "The bridge was sabotaged by the council for a property deal."]\n',
        encoding="utf-8",
    )
    site = with_site_narratives(shipped, config)
    assert "bridge-collapse-plot" in site.narratives.ids and "bridge-collapse-plot" not in shipped.narratives.ids
    assert with_site_narratives(shipped, config) is site  # embedded once per process
    found = site.evidence("Wake up: the council wrecked that bridge deliberately to flog the land.", ["conspiracy"])
    assert found["conspiracy"][0].narratives[0] == "Bridge collapse plot"

from same_scores import assert_same_scores

from moderation.records import Article, Comment
from moderation.scoring import Scorer, batches


def _comments(article_ids: list[str]) -> list[Comment]:
    return [Comment(id=str(i), text=f"comment {i}", article_id=a) for i, a in enumerate(article_ids)]


def test_batches_keep_article_runs_whole_and_order() -> None:
    records = _comments(["a", "a", "a", "b", "b", "c"])
    out = list(batches(records, min_batch=2, max_batch=10))
    assert [[c.article_id for c in b] for b in out] == [["a", "a", "a"], ["b", "b"], ["c"]]
    assert [c.id for b in out for c in b] == [c.id for c in records]


def test_a_run_longer_than_the_cap_is_cut() -> None:
    out = list(batches(_comments(["a"] * 7), min_batch=2, max_batch=3))
    assert [len(b) for b in out] == [3, 3, 1]


def test_scorer_keeps_input_order_and_uses_articles(tiny_model) -> None:
    article = Article(id="a", title="Budget", text="The city budget passed.")
    records = [article, *_comments(["a"] * 5)]
    scored = list(Scorer(tiny_model).score(records))
    assert [s.comment.id for s in scored] == ["0", "1", "2", "3", "4"]
    assert all(not s.notes for s in scored)  # the article gave relevance its context


def test_a_reply_is_compared_with_the_parent_in_its_own_article_when_ids_repeat(tiny_model) -> None:
    parent = Comment(id="1", text="the bike lanes on main street are too narrow", article_id="a2")
    namesake = Comment(id="1", text="chemtrails control the weather over the harbour", article_id="a1")
    reply = Comment(id="2", text="main street bike lanes narrow indeed", article_id="a2", parent_id="1")
    alone = tiny_model.score([parent, reply])[1]
    for batch in ([parent, namesake, reply], [namesake, parent, reply]):  # other shapes: maybe other BLAS kernels
        assert_same_scores(tiny_model.score(batch)[2], alone, tiny_model.thresholds)
    # across batches too: the scorer hands on earlier comments by key
    with_namesake, without = Scorer(tiny_model), Scorer(tiny_model)
    with_namesake.score_batch([parent, namesake])
    without.score_batch([parent])
    assert_same_scores(with_namesake.score_batch([reply])[0], without.score_batch([reply])[0], tiny_model.thresholds)

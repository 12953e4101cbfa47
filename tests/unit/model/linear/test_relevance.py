import numpy as np

from moderation.model.linear.features import featurize
from moderation.model.linear.relevance import DocumentFrequency, Thread, batch_signals, content_hashes, signals

COMMENTS = [
    ("a", "The carbon tax will raise fuel prices for farmers.", -1),
    ("a", "Fuel prices matter less than the climate; the carbon tax is fair.", 0),
    ("a", "Buy cheap watches online today!", -1),
    ("b", "The hockey team needs a new goalie.", -1),
    ("b", "A new goalie will not fix the hockey team's defence.", 3),
    ("c", "Lonely comment without siblings.", -1),
]
ARTICLES = {"a": "Carbon tax: what it means for fuel prices", "b": "", "c": ""}


def test_batch_signals_equal_one_at_a_time() -> None:
    hashes = featurize([text for _, text, _ in COMMENTS]).hashes
    word_sets = [set(h.tolist()) for h in hashes]
    df = DocumentFrequency.fit(word_sets * 3 + [{1, 2, 3}] * 200, min_count=1)
    keys = list(dict.fromkeys(a for a, _, _ in COMMENTS))
    thread_of = [keys.index(a) for a, _, _ in COMMENTS]
    article_words = [content_hashes(ARTICLES[k]) if ARTICLES[k] else set() for k in keys]
    parent_of = [p for _, _, p in COMMENTS]
    batch = batch_signals(hashes, thread_of, article_words, parent_of, df)
    for i, (key, _, parent) in enumerate(COMMENTS):
        members = [word_sets[j] for j, (k, _, _) in enumerate(COMMENTS) if k == key]
        thread = Thread.build(ARTICLES[key], members)
        one = signals(word_sets[i], thread, word_sets[parent] if parent >= 0 else None, df)
        np.testing.assert_allclose(batch[i], one, rtol=1e-9, atol=1e-12, err_msg=f"comment {i}")


def test_on_topic_words_score_higher_overlap_than_spam() -> None:
    hashes = featurize([text for _, text, _ in COMMENTS]).hashes
    df = DocumentFrequency(counts={}, n_docs=1000)
    rows = batch_signals(hashes, [0, 0, 0, 1, 1, 2], [content_hashes(ARTICLES["a"]), set(), set()], [-1] * 6, df)
    assert rows[0, 0] > rows[2, 0]  # article overlap
    assert rows[4, 2] > 0 and rows[5, 5] == 0  # a reply shares rare words; a lone comment has no siblings


def _thread_corpus():
    from moderation.datasets.records import Corpus, Example, labels

    def comment(text: str, article: str) -> Example:
        return Example(text, labels(), "c3", article, split="train")

    budget = [
        "The transit budget cuts bus routes in the east end.",
        "Cutting bus routes in the east end hurts commuters who rely on transit.",
        "Council should restore the east end bus routes in the transit budget.",
        "Well said.",
    ]
    hockey = [
        "The goalie let in three soft goals in the third period.",
        "That third period collapse cost them the playoff spot, the goalie was awful.",
        "Trade the goalie before the playoff deadline.",
    ]
    return Corpus(
        "c3", "c3", "", False, [comment(t, "budget") for t in budget] + [comment(t, "hockey") for t in hockey]
    )


def test_only_comments_specific_to_their_thread_become_off_topic_pairs() -> None:
    from moderation.datasets.records import Example, labels
    from moderation.model.linear.training import build_training_set, relevance_pairs

    generic = Example("Thank you for writing this.", labels(abuse=0), "generic", "g", split="train")
    ts = build_training_set([_thread_corpus()], written=[generic], progress=lambda _: None)
    df = DocumentFrequency(counts={}, n_docs=1000)  # every word rare: all of them are content words
    pairs = relevance_pairs(ts, "train", df)
    by_text: dict[str, list[int]] = {}
    for owner, label in zip(pairs.owners.tolist(), pairs.labels.tolist(), strict=True):
        by_text.setdefault(ts.examples[owner].text, []).append(label)
    assert by_text["Well said."] == [0]  # generic: on topic in its thread, and no off-topic pair
    assert set(by_text["Thank you for writing this."]) == {0}  # a written generic reply, on topic in every thread
    assert by_text["Trade the goalie before the playoff deadline."] == [0, 1]

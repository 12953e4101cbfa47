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

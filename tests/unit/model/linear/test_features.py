import numpy as np

from moderation.model.linear.features import N_FEATURES, featurize


def test_rows_are_length_normalised_and_aligned_with_texts() -> None:
    batch = featurize(["you are an idiot", "", "nice article"])
    assert batch.X.shape == (3, N_FEATURES)
    row_sums_sq = np.asarray(batch.X.multiply(batch.X).sum(axis=1)).ravel()
    assert np.allclose(row_sums_sq[[0, 2]], 1.0, atol=1e-5)
    assert [len(h) for h in batch.hashes] == [4, 0, 2]
    assert batch.X[1].nnz == 1  # an empty comment still has its "empty" signal


def test_evasive_spelling_gets_the_same_features_as_plain() -> None:
    plain, evasive = featurize(["you idiot", "Y0U іd1ot"]).X
    assert (plain != evasive).nnz == 0


def test_bigrams_do_not_cross_comments() -> None:
    together = featurize(["alpha", "beta"]).X
    apart = featurize(["alpha"]).X, featurize(["beta"]).X
    assert (together[0] != apart[0]).nnz == 0
    assert (together[1] != apart[1]).nnz == 0


def test_words_are_hashed_as_zlib_hashes_each_token() -> None:
    """The batched tokenising and hashing gives what ``tokens`` and ``word_hashes`` give text by text."""
    from moderation.model.linear.features import SLUR, word_hashes
    from moderation.model.linear.normalise import normalise, tokens

    texts = [
        "",
        "   ",
        "!!!",
        "Plain words, don't SHOUT",
        "naïve café Ålesund 😀 日本語 ПРИВЕТ",
        "x" * 300 + " y",
        "you f a g g o t",
        "a",
        "see www.example.com/x?y=1 and @someone now",
    ]
    batch = featurize(texts)
    for text, hashes in zip(texts, batch.hashes, strict=True):
        expected = word_hashes(tokens(normalise(text)))
        assert hashes.dtype == expected.dtype and hashes.tolist() == expected.tolist()
    assert batch.X[6, SLUR] > 0 and batch.X[3, SLUR] == 0

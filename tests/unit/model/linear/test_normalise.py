import pytest

from moderation.model.linear.normalise import normalise, normalise_many, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You IDIOT", ["you", "idiot"]),
        ("fuuuuuck", ["fuuck", "fuck"]),
        ("f u c k you", ["fuck", "you"]),
        ("f.u.c.k off", ["fuck", "off"]),
        ("sh1t", ["shit"]),
        ("b!tch", ["bitch"]),
        ("@ss", ["ass"]),
        ("a$$", ["ass"]),
        ("f*ck", ["fuck"]),
        ("sh**", ["shit"]),
        ("ｆｕｃｋ", ["fuck"]),  # full-width
        ("𝐟𝐮𝐜𝐤", ["fuck"]),  # mathematical bold
        ("іdіоt", ["idiot"]),  # Cyrillic і and о
        ("fu\u200bck", ["fuck"]),  # zero-width space
        ("i\u00addiot", ["idiot"]),  # soft hyphen
        ("naïve café", ["naive", "cafe"]),
        ("see https://spam.example.com/x now", ["see", "xurlx", "now"]),
        ("visit bit.ly/abc", ["visit", "xurlx"]),
        ("@john you are wrong", ["xuserx", "you", "are", "wrong"]),
        ("don't", ["dont"]),
    ],
)
def test_evasions_fold_to_the_plain_word(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    "text",
    ["In 2020 I paid $50", "on the 4th at 10am", "the 1980s", "a Ford f150", "7x24hr shifts", "C$ 100", "1,000,000"],
)
def test_numbers_and_money_are_not_read_as_leet(text: str) -> None:
    assert normalise(text) == text.lower()


def test_ordinary_punctuation_is_not_leet() -> None:
    assert words("Great!! Wow! Really?") == ["great", "wow", "really"]


def test_batch_normalisation_matches_one_by_one() -> None:
    texts = [
        "p.e.i. = permanently on EI",
        "@j. michael you are right",
        "sooo goood",
        "sh1t happens",
        "plain text",
        "",
        "f u c k",
        "中文 评论",
        "x",
    ]
    assert normalise_many(texts) == [normalise(t) for t in texts]


def test_non_latin_words_survive() -> None:
    assert words("中文 评论") == ["中文", "评论"]


def test_rewrites_that_make_repeats_are_followed_by_the_repeat_fold() -> None:
    texts = ["Billion$$$ of dollars", "visit w w w. example", "plain"]
    assert normalise_many(texts) == [normalise(t) for t in texts]

from moderation.datasets.records import Corpus, Example, labels
from moderation.datasets.repeats import majority, merge_repeats, text_key


def test_majority_needs_a_clear_winner() -> None:
    assert majority([1, 1, 0]) == 1
    assert majority([0]) == 0
    assert majority([1, 0]) is None
    assert majority([]) is None


def test_text_key_ignores_case_and_whitespace_only() -> None:
    assert text_key("  You  are\nRIGHT ") == text_key("you are right")
    assert text_key("you are right!") != text_key("you are right")


def test_repeats_merge_into_the_first_copy_with_pooled_labels_and_its_spans() -> None:
    corpus = Corpus("olid", "olid_offenseval2019", "", False)
    corpus.examples = [
        Example("@USER go away", labels(abuse=1), "olid", "olid-1"),
        Example("Other tweet", labels(abuse=0), "olid", "olid-2"),
        Example("@user  go away", labels(abuse=0), "olid", "olid-3", spans=((0, 5),)),  # text differs: spans dropped
        Example("@USER go away", labels(abuse=1), "olid", "olid-4", spans=((6, 13),)),
    ]
    merge_repeats(corpus)
    first, other = corpus.examples
    assert (first.group, first.labels["abuse"], first.spans) == ("olid-1", 1, ((6, 13),))
    assert other.labels["abuse"] == 0 and other.labels["spam"] is None
    assert (corpus.duplicates, corpus.conflicts) == (2, 1)

from pathlib import Path

import pytest

from moderation.datasets import CORPORA, TARGETS, load_corpora, load_corpus, split_of
from moderation.errors import DatasetError

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


def _by_text(corpus):
    return {e.text: e for e in corpus.examples}


def test_every_label_dict_is_complete_and_unknown_is_none(corpora_dir: Path) -> None:
    corpora, _ = load_corpora(corpora_dir)
    for corpus in corpora:
        for example in corpus.examples:
            assert set(example.labels) == set(TARGETS)
            assert all(v in (None, 0, 1) for v in example.labels.values())
    psy = _by_text(next(c for c in corpora if c.name == "psycomark"))
    assert psy["Not sure what to think of this."].labels["conspiracy"] is None  # Can't tell
    assert psy["Interesting documentary about history."].labels == {
        t: (0 if t == "conspiracy" else None) for t in TARGETS
    }


def test_c3_mapping_and_mojibake_repair(corpora_dir: Path) -> None:
    c3 = load_corpus("c3", corpora_dir)
    texts = _by_text(c3)
    assert texts["You are a pathetic idiot and everyone knows it."].labels["abuse"] == 1
    assert texts["The budget numbers in this article do not add up."].labels["abuse"] == 0
    assert texts["Mildly snarky remark about the minister."].labels["abuse"] is None  # the ambiguous middle
    assert texts["Mildly snarky remark about the minister."].labels["off_topic"] is None  # a single vote
    assert texts["Buy cheap watches at my site!"].labels["off_topic"] == 1
    assert texts["Buy cheap watches at my site!"].group == "200"
    assert "I don’t agree with the mayor." in texts
    assert c3.repaired == 1


def test_ucc_needs_confident_hostility(corpora_dir: Path) -> None:
    texts = _by_text(load_corpus("ucc", corpora_dir))
    assert texts["Get lost, you disgusting troll."].labels["abuse"] == 1
    assert texts["Nice point about transit funding."].labels["abuse"] == 0
    assert texts["Well, that is a provocative take."].labels["abuse"] is None
    assert texts["Maybe hostile, annotators unsure."].labels["abuse"] is None


def test_socc_title_is_the_context(corpora_dir: Path) -> None:
    texts = _by_text(load_corpus("socc", corpora_dir))
    assert texts["Shut up, you moron."].labels["abuse"] == 1
    assert texts["Shut up, you moron."].context == "Carbon tax debate"
    assert texts["Kind of rude but whatever."].labels["abuse"] is None


def test_bad_bytes_and_bad_rows_are_counted(corpora_dir: Path) -> None:
    olid = load_corpus("olid", corpora_dir)
    assert olid.repaired == 2 and "café is closed" in _by_text(olid)
    assert "We don" in _by_text(olid)  # a tweet cut inside a UTF-8 character loses only that character
    psy = load_corpus("psycomark", corpora_dir)
    assert (psy.rows_read, len(psy.examples), psy.duplicates, psy.dropped) == (5, 3, 1, 1)
    covid = load_corpus("covid", corpora_dir)
    assert covid.duplicates == 1 and covid.repaired == 2
    assert "They didn’t tell us" in _by_text(covid)  # an apostrophe lost to U+FFFD
    qanon = load_corpus("qanon", corpora_dir)
    assert len(qanon.examples) == 1 and qanon.dropped == 1
    assert not qanon.examples[0].text.startswith(">>")


def test_globe_and_mail_duplicates_are_removed_across_corpora(corpora_dir: Path) -> None:
    corpora, report = load_corpora(corpora_dir, ["c3", "ucc", "socc"])
    assert report.removed == {"c3∩ucc": 1}
    shared = [e for c in corpora for e in c.examples if e.text.lower() == "shared text with ucc"]
    assert len(shared) == 1 and shared[0].labels["abuse"] == 0


def test_splits_are_deterministic_and_by_group(corpora_dir: Path) -> None:
    corpora, _ = load_corpora(corpora_dir)
    examples = [e for c in corpora for e in c.examples]
    by_group: dict[tuple[str, str], set[str]] = {}
    for e in examples:
        by_group.setdefault((e.source, e.group), set()).add(split_of(e))
        assert split_of(e) == split_of(e)
    assert all(len(s) == 1 for s in by_group.values())
    youtube = {e.group: split_of(e) for e in examples if e.source == "youtube"}
    assert youtube == {"Youtube01-Psy": "train", "Youtube05-Shakira": "test"}


def test_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="--data-dir"):
        load_corpus("c3", tmp_path)
    with pytest.raises(DatasetError, match="unknown corpus"):
        load_corpus("nope", tmp_path)


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared corpora are not beside this checkout")
def test_real_corpora_load_with_sane_counts() -> None:
    corpora, report = load_corpora(SHARED)
    assert {c.name for c in corpora} == set(CORPORA)
    by_name = {c.name: c for c in corpora}
    for corpus in corpora:
        assert len(corpus.examples) > 0.5 * corpus.rows_read - corpus.duplicates, corpus.name
        assert corpus.rows_read == len(corpus.examples) + corpus.dropped + corpus.duplicates + sum(
            n for pair, n in report.removed.items() if pair.endswith(f"∩{corpus.name}")
        ), f"{corpus.name}: every row read is an example, a drop or a counted duplicate"
        assert corpus.sha256, corpus.name
        for target in TARGETS:  # a target the corpus annotates has both classes, unless it is positives-only
            known = {e.labels[target] for e in corpus.examples} - {None}
            assert known in (set(), {0, 1}) or corpus.name in ("civil_spans", "qanon"), (corpus.name, target)
        for e in corpus.examples:
            assert all(0 <= s < t <= len(e.text) for s, t in e.spans), corpus.name
    assert sum(report.removed.values()) > 50
    for target in TARGETS:
        assert sum(e.labels[target] == 1 for c in corpora for e in c.examples) > 500, target
    assert sum(bool(e.spans) for e in by_name["civil_spans"].examples) > 5000
    assert sum(bool(e.spans) for e in by_name["psycomark"].examples) > 1000
    assert all(e.context for name in ("socc", "qatar") for e in by_name[name].examples)
    youtube = {split_of(e) for e in by_name["youtube"].examples if e.group == "Youtube05-Shakira"}
    assert youtube == {"test"}


def test_scraped_html_and_entities_are_repaired_and_counted(corpora_dir: Path) -> None:
    davidson = load_corpus("davidson", corpora_dir)
    assert "you & your hoes 😂" in _by_text(davidson) and davidson.repaired == 1
    youtube = load_corpus("youtube", corpora_dir)
    assert "Love it\nso much" in _by_text(youtube) and youtube.repaired == 1


def test_qatar_bad_replies_are_off_topic_and_the_question_is_the_context(corpora_dir: Path) -> None:
    qatar = load_corpus("qatar", corpora_dir)
    texts = _by_text(qatar)
    assert texts["About two weeks."].labels == {t: (0 if t == "off_topic" else None) for t in TARGETS}
    assert texts["Nice car, bro"].labels["off_topic"] == 1  # "Bad", and its HTML markup stripped
    assert texts["thanks all"].labels["off_topic"] is None  # "Dialogue": on the thread, not an answer
    assert {e.context for e in qatar.examples} == {"Visa\nHow long does a visa take?"}
    assert {e.group for e in qatar.examples} == {"Q1"} and qatar.repaired == 1


def test_civil_spans_are_the_characters_most_raters_marked(corpora_dir: Path) -> None:
    civil = _by_text(load_corpus("civil_spans", corpora_dir))
    comment = civil["What a stupid thing to say, idiot."]
    assert comment.labels["abuse"] == 1
    assert [comment.text[s:e] for s, e in comment.spans] == ["stupid"]  # "idiot": one rater of three
    stripped = civil["Go away, loser."]  # offsets were into the text before its leading spaces were removed
    assert [stripped.text[s:e] for s, e in stripped.spans] == ["loser"]


def test_psycomark_rows_of_one_post_merge_and_positive_posts_carry_markers(corpora_dir: Path) -> None:
    psy = _by_text(load_corpus("psycomark", corpora_dir))
    post = psy["They are hiding the truth about the moon landing."]
    assert post.labels["conspiracy"] == 1 and post.group == "p1"
    assert [post.text[s:e] for s, e in post.spans] == ["They", "hiding the truth"]  # both annotators' markers
    assert psy["Interesting documentary about history."].spans == ()  # markers of a "No" post are not evidence


def test_psycomark_annotators_who_disagree_make_the_label_unknown(tmp_path: Path) -> None:
    folder = tmp_path / "psycomark_reddit_conspiracy"
    folder.mkdir()
    (folder / "train_rehydrated.jsonl").write_text(
        '{"_id": "a", "text": "Some post.", "conspiracy": "Yes"}\n'
        '{"_id": "a", "text": "Some post.", "conspiracy": "No"}\n'
        '{"_id": "a", "text": "Some post.", "conspiracy": "Can\'t tell"}\n'
        '{"_id": "b", "text": "Other post.", "conspiracy": "Can\'t tell"}\n'
        '{"_id": "b", "text": "Other post.", "conspiracy": "No"}\n'
    )
    psy = load_corpus("psycomark", tmp_path)
    labels = {e.group: e.labels["conspiracy"] for e in psy.examples}
    assert labels == {"a": None, "b": 0}
    assert (psy.rows_read, psy.duplicates, psy.conflicts) == (5, 3, 1)


def test_deduplication_keeps_the_spans_and_labels_of_both_copies(tmp_path: Path) -> None:
    from moderation.datasets import Corpus, Example
    from moderation.datasets.records import labels
    from moderation.datasets.splits import deduplicate

    first = Corpus("c3", "c3_constructive_comments", "", False, [Example("A b", labels(abuse=1), "c3", "1")])
    second = Corpus("ucc", "ucc_unhealthy_comments", "", False, [Example("a  B", labels(off_topic=0), "ucc", "2")])
    report = deduplicate([first, second])
    assert report.removed == {"c3∩ucc": 1} and second.examples == []
    assert first.examples[0].labels == labels(abuse=1, off_topic=0)


def test_cross_posted_statements_are_one_example_with_the_majority_label(tmp_path: Path) -> None:
    folder = tmp_path / "psycomark_reddit_conspiracy"
    folder.mkdir()
    (folder / "train_rehydrated.jsonl").write_text(
        '{"_id": "a", "text": "Same statement.", "conspiracy": "Yes"}\n'
        '{"_id": "b", "text": "same  statement.", "conspiracy": "Yes"}\n'
        '{"_id": "c", "text": "Same statement.", "conspiracy": "No"}\n'
    )
    psy = load_corpus("psycomark", tmp_path)
    assert [(e.group, e.labels["conspiracy"]) for e in psy.examples] == [("a", 1)]
    assert (psy.duplicates, psy.conflicts) == (2, 1)


def test_dynahate_contrast_pairs_share_a_split_and_the_test_file_stays_test(corpora_dir: Path) -> None:
    corpora, _ = load_corpora(corpora_dir, ["dynahate"])
    examples = _by_text(corpora[0])
    plague, blessing = (
        examples["People of that faith are a plague on this country"],
        examples["People of that faith are a blessing to this country"],
    )
    assert (plague.labels["abuse"], blessing.labels["abuse"]) == (1, 0)
    assert plague.group == blessing.group and split_of(plague) == split_of(blessing) != "test"
    assert plague.target == "mus" and blessing.target is None
    # a dev row whose contrast partner is in the published test file is held out with it
    assert split_of(examples["Immigrants should be thrown out"]) == "test"
    assert split_of(examples["Immigrants should be welcomed"]) == "test"


def test_hatexplain_keeps_the_authors_split_and_drops_copies_of_other_tweets(corpora_dir: Path) -> None:
    corpora, report = load_corpora(corpora_dir, ["davidson", "olid", "hatexplain"])
    hatexplain = _by_text(corpora[2])
    assert hatexplain["those people are animals and should go back"].labels["abuse"] == 1
    assert split_of(hatexplain["i had a lovely lunch with my muslim friends"]) == "valid"
    assert "no majority here" not in hatexplain  # no majority: unknown, dropped and counted
    assert "shut up b tch" not in hatexplain  # Davidson's "shut up b*tch", lower-cased without punctuation
    assert report.removed == {"davidson∩olid∩hatexplain": 1}


def test_toxigen_annotated_reads_bytes_literals_and_uses_the_human_rating(corpora_dir: Path) -> None:
    corpora, report = load_corpora(corpora_dir, ["toxigen", "toxigen_annotated"])
    annotated = corpora[1]
    texts = _by_text(annotated)
    cafe = texts["the café down the road is run by two mexican brothers"]
    assert (cafe.labels["abuse"], cafe.target) == (0, "mexican")
    assert all(not e.text.startswith("b'") for e in annotated.examples)
    assert "asian people are good at maths" not in texts  # rated 3: unknown
    assert annotated.dropped == 1
    assert report.removed == {"toxigen∩toxigen_annotated": 1}  # also a demonstration sentence

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
    assert olid.repaired == 1 and "café is closed" in _by_text(olid)
    psy = load_corpus("psycomark", corpora_dir)
    assert (psy.rows_read, len(psy.examples), psy.duplicates, psy.dropped) == (5, 3, 1, 1)
    covid = load_corpus("covid", corpora_dir)
    assert covid.duplicates == 1 and covid.repaired == 1
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
    for corpus in corpora:
        assert len(corpus.examples) > 0.5 * corpus.rows_read - corpus.duplicates, corpus.name
    assert sum(report.removed.values()) > 50

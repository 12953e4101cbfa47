from pathlib import Path

import pytest

from moderation.datasets import load_corpora
from moderation.datasets.report import END, START, counts_table, main


def test_counts_table_reports_what_the_adapter_read(corpora_dir: Path) -> None:
    corpora, dedup = load_corpora(corpora_dir, ["c3", "ucc", "civil_spans"])
    tables = {c.name: dict(counts_table(c, dedup)) for c in corpora}
    assert tables["c3"]["rows read"] == "7" and tables["c3"]["examples"] == "7"
    assert tables["c3"]["abuse: positives / known (unknown)"] == "1 / 6 (1)"
    assert tables["ucc"]["removed as copies of a text in an earlier corpus"] == "1 (c3∩ucc 1)"
    assert tables["civil_spans"]["examples with annotated spans"] == "2"


def test_cards_get_their_counts_block_replaced_not_duplicated(
    corpora_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    card = cards / "c3_constructive_comments.md"
    card.write_text(f"# C3\n\nMapping text.\n\n{START}\nstale figures\n{END}\n")
    main(["--data-dir", str(corpora_dir), "--cards", str(cards)])
    main(["--data-dir", str(corpora_dir), "--cards", str(cards)])
    text = card.read_text()
    assert text.startswith("# C3\n\nMapping text.\n") and "stale figures" not in text
    assert text.count(START) == 1 and "| rows read | 7 |" in text
    assert (cards / "qanon_q_drops.md").read_text().count("| examples | 1 |") == 1  # a missing card is created
    assert "c3 (c3_constructive_comments/)" in capsys.readouterr().out


def test_cards_are_only_written_from_every_corpus(corpora_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--data-dir", str(corpora_dir), "--cards", str(tmp_path), "c3"])

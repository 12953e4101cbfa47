import json

from click.testing import CliRunner

from moderation.cli import cli
from moderation.labels import LABELS


def test_score_writes_the_output_contract_in_input_order(data_dir) -> None:
    result = CliRunner().invoke(cli, ["score", str(data_dir / "comments.jsonl")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    ingested = CliRunner().invoke(cli, ["ingest", str(data_dir / "comments.jsonl")])
    assert [r["id"] for r in rows] == [json.loads(line)["id"] for line in ingested.stdout.splitlines()]
    for row in rows:
        assert {"id", "article_id", "author", "text", "scores", "flags", "evidence"} <= set(row)
        assert set(row["scores"]) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in row["scores"].values())
        for label, spans in row["evidence"].items():
            assert label in row["flags"]
            for span in spans:
                assert row["text"][span["start"] : span["end"]] == span["text"]
    assert "scored" in result.stderr


def test_score_records_carry_the_article_title_and_time_the_source_gave(data_dir, seeds_dir) -> None:
    args = ["score", str(data_dir / "comments.jsonl"), "--articles", str(data_dir / "articles.jsonl")]
    rows = {r["id"]: r for r in map(json.loads, CliRunner().invoke(cli, args).stdout.splitlines())}
    assert rows["c1"]["article_title"] == "City council approves new bike lanes"
    assert rows["c1"]["created_at"] == "2019-03-03T16:12:00Z" and rows["c2"]["created_at"] is None
    without_articles = CliRunner().invoke(cli, ["score", str(data_dir / "comments.jsonl")]).stdout.splitlines()
    assert json.loads(without_articles[0])["article_title"] is None
    pages = [json.loads(line) for line in CliRunner().invoke(cli, ["score", str(seeds_dir)]).stdout.splitlines()]
    assert {r["article_id"]: r["article_title"] for r in pages}["001_142733eb08f806b7"] == (
        "Syria Daily: Regime & Russia Try Again to Capture Last ISIS Town"
    )


def test_threshold_zero_flags_everything(data_dir) -> None:
    result = CliRunner().invoke(cli, ["score", str(data_dir / "comments.jsonl"), "--threshold", "abuse=0"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all("abuse" in r["flags"] for r in rows)


def test_bad_threshold_and_untrusted_model_are_one_line_errors(data_dir, tmp_path) -> None:
    result = CliRunner().invoke(cli, ["score", str(data_dir / "comments.jsonl"), "--threshold", "abuse=2"])
    assert result.exit_code == 1 and "between 0 and 1" in result.stderr and "Traceback" not in result.output
    fake = tmp_path / "evil.joblib"
    fake.write_bytes(b"not a pickle")
    (tmp_path / "evil.json").write_text("{}")
    result = CliRunner().invoke(cli, ["score", str(data_dir / "comments.jsonl"), "--model", str(fake)])
    assert result.exit_code == 1 and "not a trusted model" in result.stderr


def test_rejected_records_are_accounted_for(tmp_path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_text('{"id": "1", "text": "fine comment"}\n{"id": "2"}\nnot json\n{"id": "3", "text": "ok"}\n')
    result = CliRunner().invoke(cli, ["score", str(source), "--skip-invalid", "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2
    assert len((tmp_path / "out.jsonl.rejects.jsonl").read_text().splitlines()) == 2
    assert "scored 2 comments" in result.stderr and "rejected 2 records" in result.stderr


def test_evaluate_prints_per_label_figures(tmp_path) -> None:
    labeled = tmp_path / "labeled.jsonl"
    rows = [
        {"text": "you are a stupid idiot", "abuse": 1},
        {"text": "what a fucking moron", "abuse": 1},
        {"text": "thank you for this careful article", "abuse": 0},
        {"text": "the council meets on tuesday", "abuse": 0, "conspiracy": 0},
        {"text": "the government hides the truth about chemtrails", "abuse": "", "conspiracy": 1},
    ]
    labeled.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = CliRunner().invoke(cli, ["evaluate", str(labeled), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["labels"]
    assert report["abuse"]["n"] == 4 and report["abuse"]["positives"] == 2
    assert report["conspiracy"]["n"] == 2
    table = CliRunner().invoke(cli, ["evaluate", str(labeled)])
    assert "ROC-AUC" in table.stdout and "abuse" in table.stdout


def test_evaluate_rejects_a_bad_label_with_file_and_line(tmp_path) -> None:
    labeled = tmp_path / "bad.jsonl"
    labeled.write_text('{"text": "x", "abuse": 1}\n{"text": "y", "abuse": "maybe"}\n')
    result = CliRunner().invoke(cli, ["evaluate", str(labeled)])
    assert result.exit_code == 1 and "bad.jsonl:2" in result.stderr


def test_decisions_export_via_the_command(tmp_path) -> None:
    from moderation.records import Comment
    from moderation.store import Store

    db = tmp_path / "d.db"
    with Store(db, moderator="ana") as store:
        store.record(Comment("c1", "-1 for this"), "remove", reason="=cmd")
    result = CliRunner().invoke(cli, ["decisions", "export", "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "'=cmd" in result.stdout and "exported 1 decisions" in result.stderr
    missing = CliRunner().invoke(cli, ["decisions", "export", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no such decisions database" in missing.stderr


def test_both_tiers_score_and_say_which(data_dir) -> None:
    """The full tier by default, the linear tier with --fast; in one process or in workers, the same records."""
    source = str(data_dir / "comments.jsonl")
    full = [json.loads(line) for line in CliRunner().invoke(cli, ["score", source]).stdout.splitlines()]
    fast = [json.loads(line) for line in CliRunner().invoke(cli, ["score", source, "--fast"]).stdout.splitlines()]
    assert full and len(full) == len(fast)
    assert all(r["model_version"].endswith("-full") for r in full)
    assert all(r["model_version"].endswith("-fast") for r in fast)
    assert [r["scores"] for r in full] != [r["scores"] for r in fast]
    for extra in ([], ["--fast"]):
        one = CliRunner().invoke(cli, ["score", source, *extra]).stdout
        two = CliRunner().invoke(cli, ["score", source, "--jobs", "2", *extra]).stdout
        assert one == two

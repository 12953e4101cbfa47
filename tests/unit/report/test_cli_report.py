import base64
import builtins
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import scored_row, write_jsonl

from moderation.cli import cli
from moderation.model.artifact import read_sidecar, shipped_model_path
from moderation.report.html import CSP


def images(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('src="')[1:]]


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The report of the seed pages scored with the shipped model, as the README makes it."""
    folder = tmp_path_factory.mktemp("seeds")
    scored = folder / "seeds.jsonl"
    seeds = Path(__file__).resolve().parents[3] / "seeds"
    result = CliRunner().invoke(cli, ["score", str(seeds), "-o", str(scored)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["report", str(scored), "-o", str(folder / "report.html")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stderr and "118 comments" in result.stderr
    return (folder / "report.html").read_text(encoding="utf-8")


def test_the_seeds_report_names_every_article_and_draws_its_charts(seeds_report: str) -> None:
    for title in (
        "Russia and Iran help capture Syria’s al Mayadin from Islamic State",
        "Syria Daily: Regime &amp; Russia Try Again to Capture Last ISIS Town",
        "The Race For Deir Ezzor: US And Syrian Forces Are About To Collide",
    ):
        assert title in seeds_report
    assert "no title in the source" not in seeds_report
    charts = images(seeds_report)
    assert len(charts) >= 4 and all(src.startswith("data:image/svg+xml;base64,") for src in charts)
    assert all(base64.b64decode(src.split(",", 1)[1]).startswith(b"<?xml") for src in charts)


def test_the_seeds_report_loads_nothing_from_anywhere(seeds_report: str) -> None:
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in seeds_report
    assert "http://" not in seeds_report and "https://" not in seeds_report
    assert "<script" not in seeds_report and "@import" not in seeds_report and "url(" not in seeds_report


def test_the_seeds_report_states_the_model_and_its_thresholds(seeds_report: str) -> None:
    sidecar = read_sidecar(shipped_model_path())
    assert sidecar["version"] in seeds_report
    for value in sidecar["thresholds"].values():
        assert f"{value:.4f}" in seeds_report
    assert seeds_report.count("the model&#x27;s threshold") == 3


def test_the_same_input_gives_the_same_page(tmp_path: Path) -> None:
    scored = write_jsonl(tmp_path / "s.jsonl", [scored_row(str(i), "you idiot", abuse=i / 20) for i in range(20)])
    pages = []
    for name in ("a.html", "b.html"):
        result = CliRunner().invoke(cli, ["report", str(scored), "-o", str(tmp_path / name), "--title", "Week 12"])
        assert result.exit_code == 0, result.output
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1] and b"<title>Week 12</title>" in pages[0]


def test_a_dask_folder_with_rejects_and_an_unfinished_partition(tmp_path: Path) -> None:
    folder = tmp_path / "scored"
    folder.mkdir()
    write_jsonl(folder / "p1.scored.jsonl", [scored_row("1", "hi", abuse=0.9, created_at="2024-01-02T10:00:00Z")])
    write_jsonl(folder / "p2.scored.jsonl", [scored_row("2", "there", created_at="2024-01-03T10:00:00Z")])
    write_jsonl(folder / "p2.rejects.jsonl", [{"source": "p2.csv:7", "reason": "no text", "raw": ""}] * 3)
    (folder / "p3.scored.jsonl.partial").write_text("")
    result = CliRunner().invoke(cli, ["report", str(folder), "-o", "-"])
    assert result.exit_code == 0, result.output
    html = result.stdout
    assert "<b>3</b><span>rejected records</span>" in html and "no text" in html
    assert "p3.scored.jsonl.partial" in html and "unfinished" in result.stderr
    assert "Comments and flags per day" in html  # the timeline chart's alt text


def test_a_bad_scored_file_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    ingested = tmp_path / "ingested.jsonl"
    ingested.write_text(json.dumps({"id": "c1", "text": "not scored yet"}) + "\n")
    result = CliRunner().invoke(cli, ["report", str(ingested), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    problem = "not a scored record: no `scores` (was it written by `moderation score`?)"
    assert result.stderr == f"Error: {ingested}:1: {problem}\n"
    assert not (tmp_path / "r.html").exists()


def test_without_matplotlib_the_command_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    scored = write_jsonl(tmp_path / "s.jsonl", [scored_row("1", "hi")])
    result = CliRunner().invoke(cli, ["report", str(scored), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: reports draw their charts with matplotlib, which is not installed: pip install 'moderation[report]'\n"
    )


def test_evaluate_writes_curves_calibration_and_confusion(tmp_path: Path) -> None:
    labeled = tmp_path / "labeled.jsonl"
    rows = [
        {"text": "you are a stupid idiot", "abuse": 1, "conspiracy": 0},
        {"text": "what a fucking moron", "abuse": 1, "conspiracy": 0},
        {"text": "thank you for this careful article", "abuse": 0, "conspiracy": 0},
        {"text": "the council meets on tuesday", "abuse": 0, "conspiracy": 0},
        {"text": "the government hides the truth about chemtrails", "abuse": 0, "conspiracy": 1},
        {"text": "buy cheap watches at my site", "off_topic": 1},
    ]
    labeled.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "eval.html"
    result = CliRunner().invoke(cli, ["evaluate", str(labeled), "--json", "--report", str(out)])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)["labels"]
    html = out.read_text(encoding="utf-8")
    assert html.count('alt="Abuse precision-recall"') == 1 and html.count('alt="Conspiracy precision-recall"') == 1
    assert 'alt="Reliability diagram"' in html
    assert "No curve for Off-topic: the file has only positives or only negatives" in html
    abuse = metrics["abuse"]
    assert f"<td>positive</td><td class=num>{abuse['tp']}</td><td class=num>{abuse['fn']}</td>" in html
    assert f"<td>negative</td><td class=num>{abuse['fp']}</td><td class=num>{abuse['tn']}</td>" in html
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert "http://" not in html and "https://" not in html


def test_an_empty_input_says_there_is_nothing_to_show(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = CliRunner().invoke(cli, ["report", str(empty), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "no scored comments" in result.stdout and "<img" not in result.stdout


def test_the_report_reads_severity_from_the_config_and_names_a_bad_one(tmp_path: Path) -> None:
    rows = [scored_row("c1", "you idiot", abuse=0.99), scored_row("c2", "chemtrails are real", conspiracy=0.8)]
    scored = write_jsonl(tmp_path / "s.jsonl", rows)
    config = tmp_path / "site.toml"
    config.write_text("[severity]\nconspiracy = 5\n")
    result = CliRunner().invoke(cli, ["report", str(scored), "-o", str(tmp_path / "r.html"), "--config", str(config)])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    examples = page[page.index('<section id="examples">') :]
    assert examples.index("chemtrails are real") < examples.index("you idiot")
    config.write_text("[severity]\nconspiracy = 5\nspam = 1\n")
    result = CliRunner().invoke(cli, ["report", str(scored), "-o", str(tmp_path / "r.html"), "--config", str(config)])
    assert result.exit_code == 1
    assert "site.toml:3: unknown label 'spam' in [severity]" in result.output

"""Time and peak memory of `moderation report` on scored files of 100,000 (and more) comments.

Scores 100,000 C3 news comments once with the shipped model (40 comments an article, each article with a
title, authors drawn from a long-tailed pool, one year of created_at times), then measures the whole
`moderation report` process: wall seconds and peak RSS. Larger sizes repeat the scored records under
new ids and times, which is enough to show whether memory grows with the input.

    python benchmarks/report_speed.py --data-dir ../shared/datasets
    python benchmarks/report_speed.py --data-dir ../shared/datasets --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import run_measured  # noqa: E402

BASE = 100_000
START = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def comments_file(texts: list[str], n: int, path: Path) -> Path:
    """n comments shaped like a site export: article id and title, author, time."""
    rng = random.Random(0)
    authors = [f"reader{i}" for i in range(20_000)]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            article = i // 40
            row = {
                "id": f"c{i}",
                "text": texts[i % len(texts)],
                "article_id": f"a{article}",
                "article_title": f"Story number {article} from the news desk",
                "author": authors[min(int(rng.paretovariate(1.1)) - 1, len(authors) - 1)],
                "created_at": (START + dt.timedelta(seconds=i * 315)).isoformat().replace("+00:00", "Z"),
            }
            out.write(json.dumps(row) + "\n")
    return path


def repeated(scored: Path, n: int, path: Path) -> Path:
    """n scored records: the base file over and over, each copy with new ids and a later year."""
    lines = scored.read_text(encoding="utf-8").splitlines()
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            row = json.loads(lines[i % len(lines)])
            copy = i // len(lines)
            row["id"] = f"{row['id']}-{copy}"
            row["article_id"] = f"{row['article_id']}-{copy}"
            row["created_at"] = f"{2023 + copy}{row['created_at'][4:]}" if row["created_at"] else None
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[BASE])
    args = parser.parse_args()
    from moderation.datasets import load_corpus

    texts = [e.text for e in load_corpus("c3", args.data_dir).examples]
    moderation = str(Path(sys.executable).with_name("moderation"))
    print(f"{'comments':>10} {'seconds':>8} {'peak MB':>8} {'comments/s':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        source = comments_file(texts, BASE, tmpdir / "comments.jsonl")
        base = tmpdir / "scored.jsonl"
        run_measured([moderation, "score", "--fast", str(source), "-o", str(base), "--jobs", "2"])
        for n in args.sizes:
            scored = base if n == BASE else repeated(base, n, tmpdir / f"scored{n}.jsonl")
            seconds, peak = run_measured([moderation, "report", str(scored), "-o", str(tmpdir / "report.html")])
            size = (tmpdir / "report.html").stat().st_size / 1e6
            print(f"{n:>10,} {seconds:>8.1f} {peak:>8.0f} {n / seconds:>11,.0f}   (page {size:.2f} MB)", flush=True)


if __name__ == "__main__":
    main()

"""The benchmark suite: scoring throughput and memory at 10k/100k/1M comments on 1 and 2 processes, side
by side with alt-profanity-check; the review app's open time and key latency; training cost; Dask with
1 vs 2 workers. Writes a JSON report and prints a table.

    pip install -e '.[dev,bench]'
    python benchmarks/run.py --data-dir ../shared/datasets            # full suite (several minutes)
    python benchmarks/run.py --data-dir ../shared/datasets --quick    # 10k and 100k only
    taskset -c 0 python benchmarks/run.py --data-dir ../shared/datasets --versus-peer   # whole processes, one core
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def comments_file(texts: list[str], n: int, path: Path) -> Path:
    """n news comments as JSONL, cycling the corpus, 40 comments an article."""
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"c{i}", "text": texts[i % len(texts)], "article_id": f"a{i // 40}"}) + "\n")
    return path


def run_measured(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a command and its worker processes, via a fresh measuring process."""
    seconds, _, peak_mb = run_timed(command)
    return seconds, peak_mb


def run_timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of a command and its worker processes."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024, r.returncode)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True).stdout
    seconds, cpu, peak_mb, code = out.split()
    if code != "0":
        raise RuntimeError(f"{' '.join(command)} exited with {code}")
    return float(seconds), float(cpu), float(peak_mb)


def versus_peer(texts: list[str], n: int, rounds: int, tmpdir: Path) -> dict:
    """``moderation score`` and alt-profanity-check as whole processes on the same file, taking turns.

    The machine may be busy with other work, so the two run interleaved (ours, peer, ours, peer ...) and each
    figure is the median over the rounds; the ratio compares the two medians. Pin the run to one core with
    ``taskset -c 0`` to compare single-core speed.
    """
    source = comments_file(texts, n, tmpdir / f"versus{n}.jsonl")
    moderation = str(Path(sys.executable).with_name("moderation"))
    ours_cmd = [moderation, "score", "--fast", str(source), "-o", str(tmpdir / "ours.jsonl")]
    peer_cmd = [sys.executable, str(ROOT / "benchmarks" / "peer_score.py"), str(source), str(tmpdir / "peer.jsonl")]
    ours, peer = [], []
    for _ in range(rounds):
        ours.append(run_timed(ours_cmd))
        peer.append(run_timed(peer_cmd))

    def median(runs: list[tuple[float, float, float]], k: int) -> float:
        return statistics.median(r[k] for r in runs)

    row = {
        "comments": n,
        "rounds": rounds,
        "cpus_allowed": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ours_per_s": n / median(ours, 0),
        "peer_per_s": n / median(peer, 0),
        "ours_cpu_per_s": n / median(ours, 1),
        "peer_cpu_per_s": n / median(peer, 1),
        "ours_peak_mb": max(r[2] for r in ours),
        "peer_peak_mb": max(r[2] for r in peer),
        "ours_wall_s": [round(r[0], 2) for r in ours],
        "peer_wall_s": [round(r[0], 2) for r in peer],
    }
    row["ratio"] = row["ours_per_s"] / row["peer_per_s"]
    row["ratio_cpu"] = row["ours_cpu_per_s"] / row["peer_cpu_per_s"]
    return row


def print_versus(row: dict) -> None:
    print(
        f"{row['comments']:,} comments, {row['rounds']} interleaved rounds, {row['cpus_allowed']} core(s):\n"
        f"  moderation score        {row['ours_per_s']:>8,.0f}/s wall  {row['ours_cpu_per_s']:>8,.0f}/s CPU  "
        f"peak {row['ours_peak_mb']:.0f} MB\n"
        f"  alt-profanity-check     {row['peer_per_s']:>8,.0f}/s wall  {row['peer_cpu_per_s']:>8,.0f}/s CPU  "
        f"peak {row['peer_peak_mb']:.0f} MB\n"
        f"  ratio (ours / peer)     {row['ratio']:>8.2f}   wall  {row['ratio_cpu']:>8.2f}   CPU"
    )


def api_throughput(path: Path) -> tuple[float, float]:
    """Comments/s of the Python API (records in, ScoredComment out) and this process's peak RSS (MB)."""
    from moderation.ingest import iter_records
    from moderation.model import load_model
    from moderation.scoring import Scorer

    model = load_model(fast=True)
    started = time.perf_counter()
    n = sum(1 for _ in Scorer(model).score(iter_records([str(path)])))
    return n / (time.perf_counter() - started), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peer_throughput(texts: list[str], n: int) -> float | None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None
    sample = [texts[i % len(texts)] for i in range(n)]
    predict_prob(sample[:100])
    started = time.perf_counter()
    for i in range(0, n, 10_000):
        predict_prob(sample[i : i + 10_000])
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    parser.add_argument("--quick", action="store_true", help="10k and 100k comments only, no training run")
    parser.add_argument("--report", type=Path, default=ROOT / "benchmarks" / "report.json")
    parser.add_argument(
        "--versus-peer",
        action="store_true",
        help="only `moderation score` against alt-profanity-check, whole processes on one file, interleaved",
    )
    parser.add_argument("-n", type=int, default=50_000, help="comments for --versus-peer")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds for --versus-peer")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from moderation.datasets import load_corpus

    texts = [e.text for e in load_corpus("c3", args.data_dir).examples]
    if args.versus_peer:
        with tempfile.TemporaryDirectory() as tmp:
            row = versus_peer(texts, args.n, args.rounds, Path(tmp))
        print(json.dumps(row), flush=True)
        print_versus(row)
        return
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    report: dict = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scoring": [],
    }
    moderation = str(Path(sys.executable).with_name("moderation"))
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        for n in sizes:
            source = comments_file(texts, n, tmpdir / f"c{n}.jsonl")
            row: dict = {"comments": n}
            for jobs in (1, 2):
                seconds, peak = run_measured([moderation, "score", "--fast", str(source),
                                              "-o", str(tmpdir / "out.jsonl"), "--jobs", str(jobs)])  # fmt: skip
                row[f"cli_{jobs}proc_per_s"] = n / seconds
                row[f"cli_{jobs}proc_peak_mb"] = peak
            probe = f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import run; print(*run.api_throughput(__import__('pathlib').Path({str(source)!r})))"  # noqa: E501
            api = subprocess.run(
                [sys.executable, "-c", probe], capture_output=True, text=True, check=True
            ).stdout.split()
            row["api_1proc_per_s"], row["api_peak_mb"] = float(api[0]), float(api[1])
            peer = peer_throughput(texts, n)
            row["peer_alt_profanity_check_per_s"] = peer
            row["ratio_ours_3_labels_to_peer_1_label"] = row["api_1proc_per_s"] / peer if peer else None
            report["scoring"].append(row)
            print(json.dumps(row), flush=True)
        from review_latency import measure, synthetic_queue

        report["review"] = []
        for n in (10_000, 100_000):
            r = asyncio.run(measure(synthetic_queue(texts, n)))
            report["review"].append({"comments": n, **r})
            print(json.dumps(report["review"][-1]), flush=True)
        parts = tmpdir / "parts"
        parts.mkdir()
        for k in range(4):
            comments_file(texts[k::4], 25_000, parts / f"part-{k}.jsonl")
        report["dask"] = []
        for workers in (1, 2):
            seconds, _ = run_measured([moderation, "score", "--fast", str(parts), "--engine", "dask",
                                       "--workers", str(workers), "-o", str(tmpdir / f"dask{workers}")])  # fmt: skip
            report["dask"].append(
                {"workers": workers, "comments": 100_000, "seconds": seconds, "per_s": 100_000 / seconds}
            )
            print(json.dumps(report["dask"][-1]), flush=True)
        if not args.quick:
            seconds, peak = run_measured([moderation, "train", "--data-dir", str(args.data_dir), "-o",
                                          str(tmpdir / "m.joblib"), "--eval-dir", str(tmpdir / "heldout")])  # fmt: skip
            report["training"] = {"seconds": seconds, "peak_mb": peak}
            print(json.dumps(report["training"]), flush=True)
    args.report.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)


def print_table(report: dict) -> None:
    print(f"\nmachine: {report['machine']['cpus']} cores, Python {report['machine']['python']}")
    print(f"{'comments':>9} {'CLI 1 proc/s':>12} {'peak MB':>8} {'CLI 2 proc/s':>12} {'peak MB':>8} {'API /s':>8} "
          f"{'peer /s':>8} {'ratio':>6}")  # fmt: skip
    for r in report["scoring"]:
        peer = f"{r['peer_alt_profanity_check_per_s']:>8,.0f}" if r["peer_alt_profanity_check_per_s"] else f"{'-':>8}"
        ratio = (
            f"{r['ratio_ours_3_labels_to_peer_1_label']:>6.2f}"
            if r["ratio_ours_3_labels_to_peer_1_label"]
            else "     -"
        )
        cli = (f"{r['cli_1proc_per_s']:>12,.0f} {r['cli_1proc_peak_mb']:>8.0f} "
               f"{r['cli_2proc_per_s']:>12,.0f} {r['cli_2proc_peak_mb']:>8.0f}")  # fmt: skip
        print(f"{r['comments']:>9,} {cli} {r['api_1proc_per_s']:>8,.0f} {peer} {ratio}")
    for r in report.get("review", []):
        print(f"review {r['comments']:>7,}: open {r['open_s']:.2f} s, next {r['next_median_ms']:.0f} ms, "
              f"decide {r['decide_median_ms']:.0f} ms (median)")  # fmt: skip
    for r in report.get("dask", []):
        print(f"dask {r['workers']} worker(s): {r['per_s']:,.0f} comments/s ({r['comments']:,} in 4 partitions)")
    if "training" in report:
        print(f"training: {report['training']['seconds']:.0f} s, peak {report['training']['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()

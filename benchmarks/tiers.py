"""The two tiers side by side: whole-process `moderation score FILE -o OUT` on real news comments.

Writes N C3 news comments as JSONL (40 an article, cycling the corpus), then times the full tier and
`--fast` as separate processes (start-up, model load and writing included) and reports comments/s, peak
memory and their ratio. Also measures the encoder alone on the same texts and the tokens it reads, for the
distance to what the CPU's arithmetic allows.

    python benchmarks/tiers.py --data-dir ../shared/datasets -n 3000 --fast-n 100000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import comments_file, run_measured  # noqa: E402

FLOP_PER_TOKEN = 2 * 10.6e6
"""Multiply-adds of MiniLM-L6 per token (6 layers x (4 x 384^2 + 2 x 384 x 1536) weights), twice for FLOPs;
attention's n^2 terms add about 5% at 70 tokens and are left out."""


def matmul_gflops(threads: int = 2) -> float:
    """What float32 matrix products reach on this machine, at the encoder's shapes (the arithmetic ceiling)."""
    import numpy as np

    a = np.random.default_rng(0).random((2048, 384), dtype=np.float32)
    b = np.random.default_rng(1).random((384, 1536), dtype=np.float32)
    a @ b
    started = time.perf_counter()
    for _ in range(20):
        a @ b
    return 20 * 2 * 2048 * 384 * 1536 / (time.perf_counter() - started) / 1e9


def news_texts(data_dir: Path) -> list[str]:
    from moderation.datasets import load_corpus

    return [e.text for e in load_corpus("c3", data_dir).examples]


def encoder_alone(texts: list[str]) -> dict[str, float]:
    from moderation.model.encoder.network import Encoder

    encoder = Encoder()
    encoder.embed(texts[:50])
    started = time.perf_counter()
    encoder.embed(texts)
    seconds = time.perf_counter() - started
    tokens = sum(encoder.token_counts(texts))
    return {
        "texts_per_s": len(texts) / seconds,
        "tokens_per_text": tokens / len(texts),
        "gflops": tokens * FLOP_PER_TOKEN / seconds / 1e9,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    parser.add_argument("-n", type=int, default=3000, help="comments for the full tier")
    parser.add_argument("--fast-n", type=int, default=100_000, help="comments for --fast")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    texts = news_texts(args.data_dir)
    cli = [sys.executable, "-m", "moderation", "score"]
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, n, extra in (("full", args.n, []), ("fast", args.fast_n, ["--fast"])):
            source = comments_file(texts, n, Path(tmp) / f"{name}.jsonl")
            subprocess.run(
                [*cli, str(source), "-o", str(Path(tmp) / "warm.jsonl"), *extra], check=True, capture_output=True
            )  # compiles the encoder once, warms the page cache
            seconds, peak = run_measured([*cli, str(source), "-o", str(Path(tmp) / f"{name}.out.jsonl"), *extra])
            figures[name] = {"comments": n, "seconds": seconds, "comments_per_s": n / seconds, "peak_mb": peak}
    figures["encoder"] = encoder_alone(texts[: args.n])
    figures["encoder"]["matmul_fp32_gflops"] = matmul_gflops()
    ratio = figures["fast"]["comments_per_s"] / figures["full"]["comments_per_s"]
    print(f"{'tier':<8} {'comments':>9} {'seconds':>8} {'comments/s':>11} {'peak MB':>8}")
    for name in ("full", "fast"):
        f = figures[name]
        print(f"{name:<8} {f['comments']:>9,} {f['seconds']:>8.1f} {f['comments_per_s']:>11,.1f} {f['peak_mb']:>8.0f}")
    enc = figures["encoder"]
    print(f"--fast is {ratio:.0f}x the full tier")
    print(
        f"encoder alone: {enc['texts_per_s']:.1f} texts/s, {enc['tokens_per_text']:.0f} tokens a text, "
        f"{enc['gflops']:.0f} GFLOP/s of useful arithmetic; float32 matrix products reach "
        f"{enc['matmul_fp32_gflops']:.0f} GFLOP/s here, so float32 would top out near "
        f"{enc['matmul_fp32_gflops'] * 1e9 / FLOP_PER_TOKEN / enc['tokens_per_text']:.0f} texts/s"
    )
    if args.json:
        args.json.write_text(json.dumps({**figures, "fast_over_full": ratio}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""What changes when the CPU does: the same comments scored on other kernel families, and what differs.

numpy and OpenBLAS choose their vector code by the CPU's features; both can be told to use an older family,
so one machine can stand in for others as far as they go (onnxruntime, which runs the full tier's encoder,
cannot be told: its int8 kernels follow the CPU alone). Writes N C3 news comments as JSONL (40 an article),
then runs `moderation ingest` and `moderation score` (both tiers) under each setting below and compares every
output with this machine's own: identical bytes, or how many records, scores (at the 4 decimals written)
and flags differ, and by how much the unrounded scores do. Also checks that a rerun and `--jobs 2` on this
machine write the same bytes. With --train, also trains the linear tier (`train --fast`) on this machine's
kernels and on the oldest ones, and compares the two models and what they write for the --fast-n comments.

    python benchmarks/kernels.py --data-dir ../shared/datasets -n 3000 --fast-n 100000 --train
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import comments_file  # noqa: E402
from tiers import news_texts  # noqa: E402

NO_AVX512 = "X86_V4 AVX512_ICL AVX512_SPR"
SETTINGS: dict[str, dict[str, str]] = {
    "this machine": {},
    "OpenBLAS Nehalem": {"OPENBLAS_CORETYPE": "Nehalem"},
    "OpenBLAS Haswell, numpy AVX2 (an AVX2 CPU)": {
        "OPENBLAS_CORETYPE": "Haswell",
        "NPY_DISABLE_CPU_FEATURES": NO_AVX512,
    },
    "OpenBLAS Nehalem, numpy SSE4.2 (any x86-64-v2 CPU)": {
        "OPENBLAS_CORETYPE": "Nehalem",
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 " + NO_AVX512,
    },
}
OLDEST = "OpenBLAS Nehalem, numpy SSE4.2 (any x86-64-v2 CPU)"
UNROUNDED = (
    "import sys, numpy as np; from moderation.ingest import iter_records; from moderation.model import load_model; "
    "from moderation.scoring import Scorer; "
    "scored = Scorer(load_model(fast=sys.argv[3] == 'fast')).score(iter_records([sys.argv[1]])); "
    "np.save(sys.argv[2], np.array([[s.scores[k] for k in ('abuse', 'conspiracy', 'off_topic')] for s in scored]))"
)


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, env={**os.environ, **env}, check=True, capture_output=True)


def kernels_in_use(env: dict[str, str]) -> str:
    probe = (
        "import numpy, scipy.linalg; from threadpoolctl import threadpool_info; "
        "from numpy._core._multiarray_umath import __cpu_dispatch__ as d, __cpu_features__ as f; "
        "print(sorted({i.get('architecture') for i in threadpool_info() if i.get('internal_api') == 'openblas'}), "
        "[n for n in d if f.get(n)] or 'baseline')"
    )
    done = subprocess.run([sys.executable, "-c", probe], env={**os.environ, **env}, capture_output=True, text=True)
    return done.stdout.strip()


def compare(mine: Path, other: Path) -> dict[str, object]:
    """How two score outputs of the same input differ, record by record."""
    if mine.read_bytes() == other.read_bytes():
        return {"identical": True}
    records = scores = flags = other_fields = 0
    for a, b in zip(map(json.loads, mine.open()), map(json.loads, other.open()), strict=True):
        records += a != b
        scores += sum(a["scores"][k] != b["scores"][k] for k in a["scores"])
        flags += a["flags"] != b["flags"]
        other_fields += {k: v for k, v in a.items() if k not in ("scores", "flags", "evidence")} != {
            k: v for k, v in b.items() if k not in ("scores", "flags", "evidence")
        }
    return {"identical": False, "records": records, "scores": scores, "flags": flags, "other fields": other_fields}


def compare_training(cli: list[str], data_dir: Path, source: Path, folder: Path) -> None:
    """The linear tier trained twice on the same data, on this machine's kernels and on the oldest."""
    trusted = {"MODERATION_TRUSTED_MODELS": str(folder / "trusted.txt")}  # not the user's list
    outputs = {}
    print("\ntraining, `moderation train --fast`, same data")
    for name in ("this machine", OLDEST):
        model = folder / f"model-{len(outputs)}.joblib"
        run([*cli, "train", "--fast", "--data-dir", str(data_dir), "-o", str(model)], {**SETTINGS[name], **trusted})
        sidecar = json.loads(model.with_suffix(".json").read_text())
        print(f"  {name}: version {sidecar['version']}, thresholds {sidecar['thresholds']}")
        outputs[name] = folder / f"scored-by-model-{len(outputs)}.jsonl"
        run([*cli, "score", str(source), "--fast", "--model", str(model), "-o", str(outputs[name])], trusted)
    differ = compare(outputs["this machine"], outputs[OLDEST])
    print(f"  the same comments scored (on this machine) with each: {differ}")
    if not differ["identical"]:
        labels = per_label(outputs["this machine"], outputs[OLDEST])
        print(f"    per label (scores written, flags): {labels}")


def per_label(mine: Path, other: Path) -> dict[str, tuple[int, int, float]]:
    """Per label: written scores that differ, flags that differ, and the largest gap between written scores."""
    out: dict[str, tuple[int, int, float]] = {}
    pairs = list(zip(map(json.loads, mine.open()), map(json.loads, other.open()), strict=True))
    for label in pairs[0][0]["scores"]:
        gaps = [abs(a["scores"][label] - b["scores"][label]) for a, b in pairs]
        flags = sum((label in a["flags"]) != (label in b["flags"]) for a, b in pairs)
        out[label] = (sum(g > 0 for g in gaps), flags, round(max(gaps), 4))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("-n", type=int, default=3000, help="comments for the full tier")
    parser.add_argument("--fast-n", type=int, default=100_000, help="comments for the linear tier (--fast)")
    parser.add_argument("--train", action="store_true", help="also compare models trained on either kernels")
    args = parser.parse_args()
    texts = news_texts(args.data_dir)
    cli = [sys.executable, "-m", "moderation"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for tier, n, extra in (("full", args.n, []), ("fast", args.fast_n, ["--fast"])):
            source = comments_file(texts, n, folder / f"{tier}.jsonl")
            print(f"\n{tier} tier, {n:,} comments")
            mine: dict[str, Path] = {}
            for name, env in SETTINGS.items():
                out = folder / f"{tier}-{len(mine)}.jsonl"
                run([*cli, "score", str(source), "-o", str(out), *extra], env)
                run([*cli, "ingest", str(source), "-o", str(out.with_suffix(".ingest"))], env)
                unrounded = folder / f"{tier}-{len(mine)}.npy"
                run([sys.executable, "-c", UNROUNDED, str(source), str(unrounded), tier], env)
                mine[name] = out
                base = folder / f"{tier}-0.jsonl"
                ingest_same = out.with_suffix(".ingest").read_bytes() == base.with_suffix(".ingest").read_bytes()
                apart = np.abs(np.load(unrounded) - np.load(folder / f"{tier}-0.npy"))
                print(f"  {name}: kernels {kernels_in_use(env)}")
                print(f"    score: {compare(base, out)}")
                differ = int((apart > 0).sum())
                print(f"    unrounded: {differ:,} of {apart.size:,} scores differ, by at most {apart.max():.1e}")
                print(f"    ingest identical: {ingest_same}")
            for name, command in (("rerun", []), ("--jobs 2", ["--jobs", "2"])):
                out = folder / f"{tier}-{name.strip('-').replace(' ', '')}.jsonl"
                run([*cli, "score", str(source), "-o", str(out), *extra, *command], {})
                print(f"  this machine, {name}: {compare(mine['this machine'], out)}")
        if args.train:
            compare_training(cli, args.data_dir, folder / "fast.jsonl", folder)


if __name__ == "__main__":
    main()

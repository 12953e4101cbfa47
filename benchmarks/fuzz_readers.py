"""The reader properties of tests/property at scale: many more generated cases than the normal suite.

    python benchmarks/fuzz_readers.py --examples 5000

Prints hypothesis' statistics (cases tried per property) and pytest's verdict; any failure is shrunk to
a minimal input and printed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="generated cases per property")
    args = parser.parse_args()
    env = {**os.environ, "MODERATION_FUZZ_EXAMPLES": str(args.examples)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "property"),
               "--hypothesis-show-statistics"]  # fmt: skip
    sys.exit(subprocess.call(command, env=env, cwd=ROOT))


if __name__ == "__main__":
    main()

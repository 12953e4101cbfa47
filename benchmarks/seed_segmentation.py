"""Print how the page reader's segmentation of seeds/ compares with the hand-made gold.

python benchmarks/seed_segmentation.py
"""

from __future__ import annotations

from pathlib import Path

from moderation.ingest.gold import format_scores, score_pages

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    print(format_scores(score_pages(ROOT / "tests" / "data" / "seeds_gold.json", ROOT / "seeds")))

"""Compare the page reader with a hand-made gold segmentation of pages.

The gold lists, per page, the line numbers that are reader-comment text and who wrote them;
every other non-blank line is article, headline, author marker or boilerplate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from moderation.ingest.pages import segment_page


@dataclass(frozen=True, slots=True)
class PageScore:
    """How one page's segmentation compares with its gold."""

    name: str
    gold_comment_lines: int
    recovered: int
    misfiled: int
    authors_right: int
    title_right: bool

    @property
    def recall(self) -> float:
        return self.recovered / self.gold_comment_lines if self.gold_comment_lines else 1.0


def score_pages(gold_file: Path, pages_dir: Path) -> list[PageScore]:
    """Segment every page named in ``gold_file`` and count agreement line by line."""
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    scores = []
    for name, expected in gold.items():
        layout = segment_page((pages_dir / name).read_text(encoding="utf-8"))
        found = {line.number: comment.author for comment in layout.comments for line in comment.lines}
        truth = {item["line"]: item["author"] for item in expected["comments"]}
        title = layout.title.number if layout.title else None
        scores.append(
            PageScore(
                name=name,
                gold_comment_lines=len(truth),
                recovered=sum(1 for n in truth if n in found),
                misfiled=sum(1 for n in found if n not in truth),
                authors_right=sum(1 for n, who in truth.items() if n in found and found[n] == who),
                title_right=title == expected["title_line"],
            )
        )
    return scores


def format_scores(scores: list[PageScore]) -> str:
    """A table of the figures, one row per page and a total."""
    rows = [f"{'page':<28} {'gold':>5} {'found':>6} {'recall':>7} {'misfiled':>9} {'authors':>8} title"]
    for s in scores:
        rows.append(
            f"{s.name:<28} {s.gold_comment_lines:>5} {s.recovered:>6} {s.recall:>7.1%} {s.misfiled:>9} "
            f"{s.authors_right:>8} {'ok' if s.title_right else 'WRONG'}"
        )
    gold = sum(s.gold_comment_lines for s in scores)
    found = sum(s.recovered for s in scores)
    rows.append(
        f"{'all':<28} {gold:>5} {found:>6} {found / gold if gold else 1:>7.1%} "
        f"{sum(s.misfiled for s in scores):>9} {sum(s.authors_right for s in scores):>8} "
        f"{sum(s.title_right for s in scores)}/{len(scores)}"
    )
    return "\n".join(rows)

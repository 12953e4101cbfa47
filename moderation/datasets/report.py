"""Print what each corpus adapter read: rows, examples, positives per target, repairs, drops, duplicates.

python -m moderation.datasets.report --data-dir ../shared/datasets [--cards datasets]

With --cards, the measured counts are also written into each corpus card (between the counts markers),
so the cards say what the adapters read rather than what someone once typed.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from moderation.datasets.records import TARGETS, Corpus, DedupReport
from moderation.datasets.splits import load_corpora, split_of

START, END = "<!-- counts: python -m moderation.datasets.report -->", "<!-- /counts -->"


def counts_table(corpus: Corpus, dedup: DedupReport) -> list[tuple[str, str]]:
    """(what, figure) rows describing one loaded corpus."""
    removed = sum(n for pair, n in dedup.removed.items() if pair.endswith(f"∩{corpus.name}"))
    rows = [
        ("rows read", f"{corpus.rows_read:,}"),
        ("examples", f"{len(corpus.examples):,}"),
        ("rows repaired (encoding, entities, markup)", f"{corpus.repaired:,}"),
        ("rows dropped (empty or unusable)", f"{corpus.dropped:,}"),
        ("repeats merged within the corpus", f"{corpus.duplicates:,}"),
    ]
    if corpus.conflicts:
        rows.append(("labels that disagreed across merged rows (majority kept, tie unknown)", f"{corpus.conflicts:,}"))
    if removed:
        pairs = ", ".join(f"{pair} {n}" for pair, n in dedup.removed.items() if pair.endswith(f"∩{corpus.name}"))
        rows.append(("removed as copies of a text in an earlier corpus", f"{removed:,} ({pairs})"))
    for target in TARGETS:
        known = [e.labels[target] for e in corpus.examples if e.labels[target] is not None]
        if known:
            rows.append((f"{target}: positives / known (unknown)", f"{sum(known):,} / {len(known):,} "
                         f"({len(corpus.examples) - len(known):,})"))  # fmt: skip
    with_spans = sum(1 for e in corpus.examples if e.spans)
    if with_spans:
        rows.append(("examples with annotated spans", f"{with_spans:,}"))
    if any(e.context for e in corpus.examples):
        rows.append(("examples with a context", f"{sum(1 for e in corpus.examples if e.context):,}"))
    groups = {e.group for e in corpus.examples}
    splits = [sum(1 for e in corpus.examples if split_of(e) == s) for s in ("train", "valid", "test")]
    rows.append(("groups (split units)", f"{len(groups):,}"))
    rows.append(("train / valid / test examples", " / ".join(f"{n:,}" for n in splits)))
    rows.append(("weight", ", ".join(sorted({f"{e.weight:g}" for e in corpus.examples})) or "-"))
    return rows


def markdown(rows: list[tuple[str, str]]) -> str:
    return "\n".join(["| measure | count |", "|---|---:|", *(f"| {what} | {figure} |" for what, figure in rows)])


def write_card(card: Path, rows: list[tuple[str, str]], data_dir: Path) -> None:
    """Replace (or append) the measured-counts block of one card."""
    block = (
        f"{START}\n## Counts\n\nMeasured with `python -m moderation.datasets.report --data-dir {data_dir}`:\n\n"
        f"{markdown(rows)}\n{END}"
    )
    text = card.read_text(encoding="utf-8") if card.exists() else ""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    card.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("datasets"))
    parser.add_argument("--cards", type=Path, help="folder of the corpus cards to update with the counts")
    parser.add_argument("names", nargs="*", help="corpus keys (all by default)")
    args = parser.parse_args(argv)
    if args.cards and args.names:
        parser.error("--cards needs every corpus: cross-corpus duplicates are counted against all of them")
    corpora, dedup = load_corpora(args.data_dir, args.names or None)
    for corpus in corpora:
        rows = counts_table(corpus, dedup)
        commercial = "yes" if corpus.commercial_use else "no"
        print(f"\n{corpus.name} ({corpus.folder}/): license {corpus.license}; commercial use: {commercial}")
        width = max(len(what) for what, _ in rows)
        for what, figure in rows:
            print(f"  {what:<{width}}  {figure}")
        if args.cards:
            write_card(args.cards / f"{corpus.folder}.md", rows, args.data_dir)
    print("\nCopies removed across corpora:", dedup.as_dict() or "none")


if __name__ == "__main__":
    main()

"""The model card: what a model was trained on, under which licenses, how good it is, and its limits."""

from __future__ import annotations

from typing import Any

LIMITS = """\
- Trained on English comments only (Canadian news, US tweets, Reddit, Telegram, YouTube, a Qatar forum);
  other languages get low, meaningless scores. The encoder reads the first 128 tokens of a comment.
- Conspiracy is the weakest label: its corpora are Reddit, Telegram, tweets and Q drops, not news
  comments; trained without one of those families and scored on it, the full tier reaches ROC-AUC 0.55-0.65.
  News-comment conspiracy talk in ordinary words ("the election was stolen") is caught less often than the
  vocabulary of the movements, and ordinary political opinion on a geopolitics blog can score 0.3-0.6.
- Sarcasm, quoted abuse ("he called me an idiot") and context-dependent insults are still misread; a
  comment reporting abuse can score as abuse.
- Evidence spans are the linear tier's phrases; a flag the encoder carries alone points at a whole
  sentence, which says where, not why.
- Off-topic relevance compares words and sentence meaning with the article, the parent and the thread: a
  short relevant reply ("Can you please elaborate?") can still score as off-topic. Without article text,
  parent or other comments, only spam is scored.
- The abuse threshold aims at a precision of 0.75 on validation news comments; where the model cannot
  reach that it is the best-F1 point instead, and on held-out news comments (where abuse is rare, 2%)
  precision at the threshold is far lower (see the table above): treat abuse flags as a queue to read.
- Thresholds are set for a precision target on validation data from the training corpora; a site with
  a different mix of comments should check them with `moderation evaluate` on its own labeled sample.
"""


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


LINEAR = """\
The linear tier (`--fast`): abuse and conspiracy are calibrated linear heads over hashed word unigrams and
bigrams of the normalised text (case, look-alike letters, leet, spelled-out and repeated letters, invisible
characters folded away). off_topic is either spam (a third linear head) or irrelevance (word-overlap
signals against the article, the parent comment and the rest of the thread, fed to a logistic regression
over the signals and their pairwise products), combined as 1 - (1 - spam)(1 - irrelevant)."""

FULL = """\
The full tier (the default) adds a pretrained sentence encoder, {package} ({license}; files checked by
sha256 before use, run by {runtime}, texts cut at {max_tokens} tokens). Each head (abuse, conspiracy, spam)
is a logistic regression over the encoder's mean- and max-pooled token vectors, blended with the linear
tier's score of the same head on validation data; irrelevance also reads the cosine similarity of the
comment's vector to its article's (or parent's) and to the rest of its thread's. Evidence spans are the
linear tier's phrases; when it finds none, the sentence the encoder head scores highest."""


def _tiers(sidecar: dict[str, Any]) -> list[str]:
    encoder = sidecar.get("encoder")
    if not encoder:
        return LINEAR.splitlines()
    return [*FULL.format(**encoder).splitlines(), "", *LINEAR.splitlines()]


def _selection(selection: dict[str, Any]) -> list[str]:
    """The leave-one-source-out table: each candidate trained without a family, scored on it."""
    if not selection:
        return []
    lines = [
        "",
        "## Model selection: leave one source out",
        "",
        "Each candidate was trained without one family of corpora and scored (ROC-AUC) on that family's",
        "train and validation rows; the best mean wins. This rewards what carries over to comment sections",
        "the model never saw; in-domain figures are in the next section.",
    ]
    for label, table in selection.items():
        families = list(table["families"])
        lines += ["", f"**{label}** (chosen: {table['chosen']})", ""]
        lines.append("| candidate | " + " | ".join(families) + " | mean |")
        lines.append("|---|" + "---|" * (len(families) + 1))
        for name, per_family in table["auc"].items():
            cells = " | ".join(_fmt(per_family.get(f)) for f in families)
            lines.append(f"| {name} | {cells} | {_fmt(table['mean'][name])} |")
        held = "; ".join(f"{f}: {', '.join(s)}" for f, s in table["families"].items())
        lines.append("")
        lines.append(f"Families: {held}.")
    return lines


def render(sidecar: dict[str, Any]) -> str:
    lines = [
        f"# Model card: {sidecar['version']}",
        "",
        f"Made {sidecar['created_at']} with scikit-learn {sidecar['libraries']['scikit-learn']} by "
        f"`{sidecar.get('command', 'moderation train')}`.",
        "",
        "## What it does",
        "",
        "Scores a reader comment with a probability per label: **abuse**, **conspiracy** and **off_topic**.",
        "",
        *_tiers(sidecar),
        "",
        "## Thresholds",
        "",
        "Chosen on validation splits as the lowest score reaching the precision target (best F1 when none does).",
        "",
        "| label | threshold | precision target |",
        "|---|---|---|",
    ]
    targets = sidecar.get("precision_targets", {})
    fast = (sidecar.get("fast") or {}).get("thresholds")
    if fast:
        lines[-2:] = ["| label | threshold | `--fast` threshold | precision target |", "|---|---|---|---|"]
    for label, value in sidecar["thresholds"].items():
        linear = f" {_fmt(fast.get(label))} |" if fast else ""
        lines.append(f"| {label} | {value:.3f} |{linear} {_fmt(targets.get(label))} |")
    lines += [
        "",
        "## Training data",
        "",
        "Splits are by article, video, question or post, never by row. Globe and Mail comments that appear in",
        "more than one corpus were deduplicated before splitting.",
        "",
        "| corpus | examples | repaired | dropped | license | commercial use |",
        "|---|---|---|---|---|---|",
    ]
    for c in sidecar.get("data", []):
        lines.append(
            f"| {c['name']} ({c['folder']}) | {c['examples']} | {c['repaired']} | {c['dropped']} | {c['license']} | "
            f"{'yes' if c['commercial_use'] else 'no'} |"
        )
    restricted = [c["name"] for c in sidecar.get("data", []) if not c["commercial_use"]]
    if restricted:
        lines += [
            "",
            f"**Licensing:** this model was trained on data whose licenses do not allow commercial use "
            f"({', '.join(restricted)}). Use it for research and evaluation, or retrain without those corpora "
            "(`moderation train --exclude NAME`) before commercial deployment.",
        ]
    lines += _selection(sidecar.get("selection") or {})
    lines += ["", "## Quality on held-out data", ""]
    lines += [
        "Measured by `moderation evaluate` on the test files `moderation train` writes to its `--eval-dir`",
        "(`--fast` for the linear tier); the model never trained or tuned on them.",
    ]
    tables = [("heldout", "full tier" if "encoder" in sidecar else None), ("heldout_fast", "linear tier (--fast)")]
    for key, title in tables:
        per_file = sidecar.get("metrics", {}).get(key)
        if not per_file:
            continue
        if title:
            lines += ["", f"### {title}"]
        lines += [
            "",
            "| test file | label | n | positives | ROC-AUC | AP | precision | recall | F1 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, per_label in per_file.items():
            for label, m in per_label.items():
                lines.append(
                    f"| {name} | {label} | {m['n']} | {m['positives']} | {_fmt(m['roc_auc'])} | "
                    f"{_fmt(m['average_precision'])} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | {_fmt(m['f1'])} |"
                )
    other = {k: v for k, v in sidecar.get("metrics", {}).items() if k not in ("heldout", "heldout_fast")}
    if other:
        lines += ["", "Other figures:", ""]
        lines += [f"- {k}: {_fmt(v)}" for k, v in other.items()]
    lines += ["", "## Known limits", "", LIMITS]
    return "\n".join(lines)

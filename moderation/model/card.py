"""The model card: what a model was trained on, under which licenses, how good it is, and its limits."""

from __future__ import annotations

from typing import Any

LIMITS = """\
- Trained on English comments only (Canadian news, US tweets, Reddit, Telegram, Gab, YouTube, a Qatar forum,
  statements written for hate-speech research); other languages get low, meaningless scores. The encoder
  reads the first 128 tokens of a comment.
- Conspiracy is the weakest label: its corpora are Reddit, Telegram, tweets and Q drops, not news
  comments; trained without one of those families and scored on it, the full tier stays well below its
  in-domain figures (see the selection table). The narrative catalogue carries news-style narratives
  (wars, elections, elites, migration) the corpora lack; a narrative missing from it is found only by the
  corpora's vocabulary. Sites can add their own narratives (see the README).
- Hate written to fool models with minimal edits (DynaHate's contrast pairs) is still often misread: the
  frozen sentence encoder does not separate "X are a plague" from "X are a blessing" as well as it
  separates hate from ordinary talk. Counter-speech and negated hate that quote hateful words ("Saying X are
  animals is disgusting") are flagged far more often than plain mentions of a group (table above).
- Sarcasm, quoted abuse ("he called me an idiot") and context-dependent insults are still misread; a
  comment reporting abuse can score as abuse.
- Evidence spans are the linear tier's phrases; a flag the encoder carries alone points at a whole
  sentence, which says where, not why; a conspiracy flag also names the closest narratives of the catalogue.
- Off-topic relevance compares words and sentence meaning with the article, the parent and the thread, and
  with a bank of other threads; without article text, parent or other comments, only spam is scored.
- The abuse threshold aims at a precision of 0.75 on validation news comments and is raised until at most 2%
  of the validation side's neutral identity statements are flagged; on held-out news comments (where abuse is
  rare, 2%) precision at the threshold is far lower: treat abuse flags as a queue to read.
- Thresholds are set on validation data from the training corpora; a site with a different mix of comments
  should check them with `moderation evaluate` on its own labeled sample.
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
reads the encoder's mean- and max-pooled token vectors (a logistic regression, or one hidden layer where the
selection below chose it) and is blended with the linear tier's score of the same head on validation data;
conspiracy also reads the comment's closeness to a catalogue of named conspiracy narratives; irrelevance
also reads the cosine similarity of the comment's vector to its article's (or parent's), to the rest of its
thread's and to a bank of other threads. Evidence spans are the linear tier's phrases; when it finds none,
the sentence the encoder head scores highest; a conspiracy flag names the narratives its closest sentence
matches."""


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
        "Chosen on validation splits as the lowest score reaching the precision target (best F1 when none does):",
        "abuse on news comments (and the site's decisions), then raised until at most 2% of the validation side's",
        "neutral identity statements and of its generic replies are flagged; conspiracy on the validation rows of",
        "all four conspiracy corpora, then raised until at most 1% of validation news comments are flagged;",
        "off_topic on validation threads with intruders from other threads and generic replies.",
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
        "Splits are by article, video, question or post, never by row; corpora that publish a split keep it.",
        "Globe and Mail comments that appear in more than one corpus, HateXplain tweets also in Davidson or OLID,",
        "and ToxiGen statements that were its prompts were deduplicated before splitting. Beside the corpora, the",
        "training side of this project's identity statements and generic replies, and the narrative catalogue.",
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
    metrics = sidecar.get("metrics", {})
    lines += _checks(metrics.get("checks") or {}, metrics.get("checks_fast") or {})
    skip = ("heldout", "heldout_fast", "checks", "checks_fast")
    other = {k: v for k, v in metrics.items() if k not in skip}
    if other:
        lines += ["", "Other figures:", ""]
        lines += [f"- {k}: {_fmt(v)}" for k, v in other.items()]
    lines += ["", "## Known limits", "", LIMITS]
    return "\n".join(lines)


def _pct(value: Any) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _checks(full: dict[str, Any], fast: dict[str, Any]) -> list[str]:
    """Fairness per identity group and the written checks, both tiers side by side."""
    if not full and not fast:
        return []
    tiers = [(name, c) for name, c in (("full tier", full), ("`--fast`", fast)) if c]
    lines = [
        "",
        "## Identity fairness",
        "",
        "Measured on held-out files at each tier's abuse threshold (`python -m moderation.model.measure.fairness",
        "HELDOUT_DIR [--fast]` recomputes it). Identity statements: the held-out side of",
        "`datasets/identity_statements` (templates and groups never trained on). Bias AUCs as defined for the",
        "unintended-bias toxicity benchmark; each mean is a power mean (p = -5) over groups, pulled towards the",
        "worst group.",
        "",
        "| measure | " + " | ".join(name for name, _ in tiers) + " |",
        "|---|" + "---|" * len(tiers),
    ]
    rows: list[tuple[str, list[str]]] = []

    def add(title: str, get: Any) -> None:
        rows.append((title, [get(c) for _, c in tiers]))

    identity = [(c.get("fairness") or {}).get("identity") or {} for _, c in tiers]
    if any(identity):
        add(
            "neutral and positive identity statements flagged",
            lambda c: _pct(c["fairness"]["identity"]["neutral_flagged"]),
        )
        add(
            "negated hate, counter-speech, reported abuse flagged",
            lambda c: _pct(c["fairness"]["identity"]["contrast_flagged"]),
        )
        add("hateful identity statements flagged", lambda c: _pct(c["fairness"]["identity"]["hate_flagged"]))
        add("accuracy on all held-out identity statements", lambda c: _fmt(c["fairness"]["identity"]["accuracy"]))
    titles = sorted({t for _, c in tiers for t in ((c.get("fairness") or {}).get("bias") or {})})
    for title in titles:
        for key, what in (("overall_auc", "ROC-AUC"), ("subgroup_mean", "subgroup AUC mean"),
                          ("bpsn_mean", "BPSN AUC mean"), ("bnsp_mean", "BNSP AUC mean"),
                          ("bias_mean", "power mean of all bias AUCs")):  # fmt: skip
            add(
                f"{title}: {what}",
                lambda c, t=title, k=key: _fmt(((c.get("fairness") or {}).get("bias") or {}).get(t, {}).get(k)),
            )
    generic = [c.get("generic_replies") for _, c in tiers]
    if any(generic):
        add(
            "held-out generic replies flagged as abuse",
            lambda c: f"{c['generic_replies']['abuse_flagged']} of {c['generic_replies']['n']}",
        )
    for row_title, cells in rows:
        lines.append(f"| {row_title} | " + " | ".join(cells) + " |")
    lines += _per_shape(tiers)
    lines += _written(tiers)
    return lines


def _per_shape(tiers: list[tuple[str, dict[str, Any]]]) -> list[str]:
    shapes = sorted(
        {s for _, c in tiers for s in (((c.get("fairness") or {}).get("identity") or {}).get("per_shape") or {})}
    )
    if not shapes:
        return []
    lines = ["", "Share flagged per shape of held-out identity statement:", "",
             "| shape | " + " | ".join(n for n, _ in tiers) + " |", "|---|" + "---|" * len(tiers)]  # fmt: skip
    for shape in shapes:
        cells = [
            _pct(((c.get("fairness") or {}).get("identity") or {}).get("per_shape", {}).get(shape)) for _, c in tiers
        ]
        lines.append(f"| {shape} | " + " | ".join(cells) + " |")
    return lines


def _written(tiers: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """The off-topic checks and criticism that is not conspiracy."""
    lines = []
    if any(c.get("offtopic_checks") for _, c in tiers):
        header = "| kind | n | " + " | ".join(n for n, _ in tiers) + " |"
        lines += ["", "## Off-topic checks", "",
                  "Eight articles written for these checks, each with readers' on-topic comments, replies to them,",
                  "intruders (comments about something else, spam) and held-out generic replies (`Well said.`):",
                  "how many of each were flagged off-topic.", "", header,
                  "|---|---|" + "---|" * len(tiers)]  # fmt: skip
        kinds = sorted({k for _, c in tiers for k in (c.get("offtopic_checks") or {})})
        for kind in kinds:
            n = next(c["offtopic_checks"][kind]["n"] for _, c in tiers if kind in c.get("offtopic_checks", {}))
            cells = [str((c.get("offtopic_checks") or {}).get(kind, {}).get("flagged", "-")) for _, c in tiers]
            lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    if any(c.get("critical_not_conspiracy") for _, c in tiers):
        header = "| statements | " + " | ".join(n for n, _ in tiers) + " |"
        lines += ["", "## Criticism is not conspiracy", "",
                  "`datasets/critical_not_conspiracy`: criticism of governments, companies and media without a plot,",
                  "and conspiracy claims, written for this project and never trained on; share flagged as",
                  "conspiracy.", "", header, "|---|" + "---|" * len(tiers)]  # fmt: skip
        for key, what in (("critical", "criticism without a plot"), ("conspiratorial", "conspiracy claims")):
            cells = [_pct((c.get("critical_not_conspiracy") or {}).get(f"{key}_flagged")) for _, c in tiers]
            n = next(c["critical_not_conspiracy"][f"{key}_n"] for _, c in tiers if c.get("critical_not_conspiracy"))
            lines.append(f"| {what} (n={n}) | " + " | ".join(cells) + " |")
    return lines

"""``moderation train``: fit a model from the public corpora, test it on held-out files, write its card."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from moderation.cli.common import reports_errors


@click.command()
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    default="datasets",
    show_default=True,
    help="Folder holding the corpora (one subfolder each, as in ../shared/datasets).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default="model.joblib", show_default=True, help="Model file."
)
@click.option(
    "--eval-dir",
    type=click.Path(file_okay=False),
    default="build/heldout",
    show_default=True,
    help="Where to write the held-out test files the model card's figures come from.",
)
@click.option("--exclude", multiple=True, metavar="CORPUS", help="Leave a corpus out (repeatable), e.g. for licensing.")
@click.option(
    "--decisions", type=click.Path(exists=True, dir_okay=False), help="Add moderators' decisions from this database."
)
@click.option(
    "--written-dir",
    type=click.Path(exists=True, file_okay=False),
    help="The project's own written sets (identity statements, generic replies); default: datasets/ of this "
    "source checkout.",
)
@click.option(
    "--fast",
    "fast_only",
    is_flag=True,
    help="Train the linear tier alone (minutes instead of most of an hour; scores as `score --fast` does).",
)
@reports_errors
def train(
    data_dir: str,
    output: str,
    eval_dir: str,
    exclude: tuple[str, ...],
    decisions: str | None,
    written_dir: str | None,
    fast_only: bool,
) -> None:
    """Train the three-label model and write MODEL, its JSON sidecar and MODEL_CARD.md beside it.

    Both tiers are trained: the linear one, then the sentence-encoder heads on top of it (their
    embeddings are cached on disk, so a retrain embeds only texts it has not seen). Held-out test
    files go to --eval-dir; the card's figures are what `moderation evaluate` prints on them. The
    written model is added to your trusted-models list.

    \b
    Examples:
        moderation train --data-dir ../shared/datasets -o model.joblib
        moderation train --data-dir ../shared/datasets --decisions moderation.db -o model-v2.joblib
    """
    from moderation.datasets.written import written_examples
    from moderation.evaluation import evaluate, read_labeled
    from moderation.model import artifact
    from moderation.model.card import render
    from moderation.model.linear.training import train as fit
    from moderation.model.measure.heldout import write_heldout, written_heldout
    from moderation.model.measure.quality import written_checks

    def say(message: str) -> None:
        click.echo(message, err=True)

    extra = []
    if decisions:
        from moderation.store import decision_examples

        extra = decision_examples(decisions)
        say(f"decisions: {len(extra)} labeled comments from {decisions}")
    written = written_examples(Path(written_dir) if written_dir else None)
    model, report, ts = fit(Path(data_dir), extra=extra, written=written, exclude=exclude, progress=say)
    if not fast_only:
        from moderation.model.encoder.network import describe
        from moderation.model.full.training import train_full

        model = train_full(model, ts, progress=say)
        report.update(model.info)
        report["encoder"] = describe()
        report["fast"] = {"version": model.fast.version, "thresholds": model.fast.thresholds}
    say(f"writing held-out test files to {eval_dir}")
    files = write_heldout(ts.examples, list(ts.split), Path(eval_dir), written_heldout(written_dir))
    heldout = {}
    for name in files:
        heldout[name] = evaluate(model, read_labeled(str(Path(eval_dir) / name)))
    report["metrics"]["heldout"] = heldout
    if not fast_only:
        report["metrics"]["heldout_fast"] = {
            name: evaluate(model.fast, read_labeled(str(Path(eval_dir) / name))) for name in files
        }
    say("measuring fairness and the written checks on the held-out files")
    report["metrics"]["checks"] = written_checks(model, Path(eval_dir))
    if not fast_only:
        report["metrics"]["checks_fast"] = written_checks(model.fast, Path(eval_dir))
    report["command"] = "moderation " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    model.info = report
    path = Path(output)
    sidecar = artifact.save(model, path, report)
    if path.resolve() != artifact.shipped_model_path().resolve():
        artifact.trust(path)
    card = path.parent / "MODEL_CARD.md"
    card.write_text(render(sidecar), encoding="utf-8")
    say(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB), {artifact.sidecar_path(path).name} and {card}")
    for name, per_label in heldout.items():
        for label, m in per_label.items():
            auc = f"{m['roc_auc']:.3f}" if m["roc_auc"] is not None else "-"
            say(
                f"  {name:<28} {label:<10} n={m['n']:<6} ROC-AUC={auc}  "
                f"P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}"
            )

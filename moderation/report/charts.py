"""The report's charts, drawn with matplotlib and returned as SVG text.

matplotlib is an optional extra (``pip install 'moderation[report]'``), imported only when a chart is drawn.
Figures are made without pyplot (no global figure state, no GUI backend) and saved with a fixed hash salt
and no date, so the same data always gives the same SVG bytes. Glyphs are drawn as paths: the charts look
the same wherever they are opened, and no text from a comment file is ever SVG markup.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from moderation.errors import ModerationError
from moderation.labels import LABEL_TITLES
from moderation.report.text import clean, clip

LABEL_COLORS = {"abuse": "#d55e00", "conspiracy": "#0072b2", "off_topic": "#009e73"}
"""Okabe-Ito colours: distinguishable with the common colour-vision deficiencies."""
FLAGGED = "#c5221f"
"""Flagged for any label."""
MUTED = "#9aa0a6"
INK = "#202124"
RC: dict[str, Any] = {
    "svg.hashsalt": "moderation-report",
    "svg.fonttype": "path",
    "text.parse_math": False,  # a `$` in an article title is a dollar sign, not mathematics
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#5f6368",
    "axes.labelcolor": INK,
    "xtick.color": "#5f6368",
    "ytick.color": "#5f6368",
    "axes.grid": True,
    "grid.color": "#dadce0",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
}
_PREAMBLE = re.compile(r"<!DOCTYPE[^>]*>\s*|\s*<metadata>.*?</metadata>", re.DOTALL)
CHART_TEXT = 48
"""Characters of an article title shown beside its bar."""


def require_matplotlib() -> None:
    """Fail with a one-line remedy, before any input is read, when the charting library is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ModerationError(
            "reports draw their charts with matplotlib, which is not installed: pip install 'moderation[report]'"
        ) from None


def _figure(width: float, height: float) -> Any:
    require_matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _svg(fig: Any) -> str:
    """The figure as SVG, without the DTD reference and RDF metadata (nothing in the image points outside it)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return _PREAMBLE.sub("", buffer.getvalue())


@contextmanager
def _rc() -> Iterator[None]:
    """matplotlib settings for one chart; glyphs the font lacks (emoji in a title) draw as boxes, not warnings."""
    import matplotlib

    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        warnings.filterwarnings("ignore", message="Matplotlib currently does not support")
        yield


def score_histogram(label: str, counts: Sequence[int], threshold: float | None, flagged: int, total: int) -> str:
    """How the scores of one label are spread, bins at or above its threshold in the label's colour."""
    with _rc():
        fig = _figure(4.2, 2.7)
        ax = fig.add_subplot()
        bins = len(counts)
        edges = np.linspace(0.0, 1.0, bins + 1)
        centres = (edges[:-1] + edges[1:]) / 2
        colors = [LABEL_COLORS[label] if threshold is not None and c >= threshold else MUTED for c in centres]
        ax.bar(edges[:-1], counts, width=1.0 / bins, align="edge", color=colors, linewidth=0)
        positive = [c for c in counts if c]
        if positive and max(positive) >= 50 * min(positive):
            _log_counts(ax)
        else:
            ax.set_ylim(bottom=0)
        if threshold is not None:
            left = threshold < 0.65
            ax.axvline(threshold, color=INK, linestyle="--", linewidth=1)
            ax.annotate(
                f"threshold {threshold:.3f}",
                xy=(threshold, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4 if left else -4, -2),
                textcoords="offset points",
                va="top",
                ha="left" if left else "right",
                fontsize=8,
                color=INK,
                bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            )
        share = f"{flagged / total:.1%}" if total else "-"
        ax.set_title(f"{LABEL_TITLES[label]}: {flagged:,} flagged ({share})")
        ax.set_xlim(0, 1)
        ax.set_xlabel("score")
        ax.set_ylabel("comments" + (" (log scale)" if ax.get_yscale() == "log" else ""))
        return _svg(fig)


def _log_counts(ax: Any) -> None:
    """A log count axis labelled 1, 10, 100 (plain numbers: mathematical text is off, see ``RC``)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    ax.set_ylim(bottom=0.8)
    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}" if value >= 1 else ""))
    ax.yaxis.set_minor_formatter(NullFormatter())


def article_shares(rows: Sequence[tuple[str, int, int]]) -> str:
    """Share of each article's comments flagged, worst at the top; rows are (name, flagged, comments)."""
    with _rc():
        fig = _figure(11.0, 1.0 + 0.3 * len(rows))
        ax = fig.add_subplot()
        positions = np.arange(len(rows))
        shares = [100 * flagged / comments if comments else 0 for _, flagged, comments in rows]
        ax.barh(positions, shares, color=FLAGGED, height=0.65)
        names = [f"{rank}. {_label_text(name, CHART_TEXT)}" for rank, (name, _, _) in enumerate(rows, 1)]
        ax.set_yticks(positions, names, fontsize=8)
        ax.invert_yaxis()
        for y, share, (_, flagged, comments) in zip(positions, shares, rows, strict=True):
            ax.annotate(
                f"{flagged:,} of {comments:,}",
                xy=(share, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=INK,
            )
        ax.set_xlim(0, min(100, max(shares, default=0) * 1.25 + 5))
        ax.set_xlabel("comments flagged for any label (%)")
        ax.set_title("Articles with the largest share of flagged comments")
        ax.grid(axis="y", visible=False)
        return _svg(fig)


def flags_over_time(
    period: str, starts: Sequence[dt.date], rows: Sequence[Sequence[int]], labels: Sequence[str]
) -> str:
    """Comments per period above, flags per label below, on one time axis."""
    with _rc():
        fig = _figure(11.0, 4.4)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1.4))
        times = [dt.datetime(d.year, d.month, d.day) for d in starts]
        width = {"day": 0.8, "week": 5.6, "month": 24}[period]
        top.bar(times, [row[0] for row in rows], width=width, color=MUTED, linewidth=0)
        top.set_ylabel(f"comments per {period}")
        top.set_title(f"Comments and flags per {period}")
        for i, label in enumerate(labels):
            bottom.plot(
                times,
                [row[1 + i] for row in rows],
                color=LABEL_COLORS[label],
                label=LABEL_TITLES[label],
                linewidth=1.4,
                marker="o" if len(times) <= 40 else None,
                markersize=3,
            )
        bottom.set_ylabel(f"flags per {period}")
        bottom.set_ylim(bottom=0)
        bottom.legend(loc="upper left", frameon=False, ncols=len(labels))
        fig.autofmt_xdate()
        return _svg(fig)


def precision_recall(label: str, y: np.ndarray, p: np.ndarray, threshold: float) -> str:
    """Precision against recall as the threshold moves, with the operating point and the base rate marked."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    precision, recall, _ = precision_recall_curve(y, p)
    flagged = p >= threshold
    at_precision = float((y[flagged] == 1).mean()) if flagged.any() else 0.0
    at_recall = float(flagged[y == 1].mean())
    with _rc():
        fig = _figure(5.4, 3.9)
        ax = fig.add_subplot()
        color = LABEL_COLORS[label]
        ap = average_precision_score(y, p)
        ax.step(recall, precision, where="post", color=color, linewidth=1.6, label=f"model (AP {ap:.3f})")
        ax.axhline(y.mean(), color=MUTED, linestyle=":", linewidth=1, label=f"base rate {y.mean():.3f}")
        ax.plot([at_recall], [at_precision], "o", color=INK, markersize=6, label=f"threshold {threshold:.3f}")
        right = at_recall > 0.6
        ax.annotate(
            f"P {at_precision:.2f}, R {at_recall:.2f}",
            xy=(at_recall, at_precision),
            xytext=(-8 if right else 8, -12 if at_precision > 0.9 else 6),
            textcoords="offset points",
            ha="right" if right else "left",
            fontsize=8,
        )
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.05)
        ax.set_xlabel("recall")
        ax.set_ylabel("precision")
        ax.set_title(f"{LABEL_TITLES[label]}: precision and recall ({len(y):,} rows)")
        ax.legend(loc="best", fontsize=8, framealpha=0.9, edgecolor="none")
        return _svg(fig)


def reliability(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], bins: int = 10) -> str:
    """Observed share of positives against the mean score, per score bin of equal size, for each label.

    Axes are zoomed to the points (rare labels live near 0, where a full 0-1 square shows nothing).
    """
    from sklearn.calibration import calibration_curve

    points = {label: calibration_curve(y, p, n_bins=bins, strategy="quantile") for label, (y, p) in curves.items()}
    highest = max((float(max(o.max(), q.max())) for o, q in points.values()), default=1.0)
    top = 1.0 if highest > 0.6 else max(0.05, highest * 1.15)
    with _rc():
        fig = _figure(5.4, 4.6)
        ax = fig.add_subplot()
        ax.plot([0, top], [0, top], color=MUTED, linestyle="--", linewidth=1, label="perfectly calibrated")
        for label, (observed, predicted) in points.items():
            y = curves[label][0]
            ax.plot(
                predicted,
                observed,
                "o-",
                color=LABEL_COLORS[label],
                label=f"{LABEL_TITLES[label]} ({len(y):,} rows)",
                markersize=4,
                linewidth=1.4,
            )
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_aspect("equal")
        ax.set_xlabel("mean score in bin")
        ax.set_ylabel("share of rows that are positive")
        ax.set_title(f"Reliability ({bins} bins of equal size)")
        ax.legend(loc="upper left", frameon=False, fontsize=8)
        return _svg(fig)


def _label_text(text: str, limit: int) -> str:
    """An input text as a one-line chart label."""
    return clip(" ".join(clean(text).split()), limit)

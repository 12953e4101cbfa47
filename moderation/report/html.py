"""The HTML every report shares: one self-contained document, escaping, tables and inline charts.

Everything that comes from an input file (comment text, authors, titles, ids, file names) goes through
``esc``; nothing else is ever put into the page unescaped. The page loads nothing: styles are inline,
charts are ``data:`` images, there is no script, and a Content-Security-Policy forbids any other load.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from importlib import resources

from moderation.labels import LABELS
from moderation.report.charts import LABEL_COLORS
from moderation.report.text import clean, clip

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
"""Only inline styles and data: images may load; no scripts, fonts, frames or remote anything."""


def esc(value: object, limit: int | None = None) -> str:
    """Any value as HTML text (never markup), clipped to ``limit`` characters first."""
    text = clean("" if value is None else str(value))
    return html.escape(clip(text, limit) if limit else text, quote=True)


def number(n: int) -> str:
    return f"{n:,}"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def share_bar(part: int, whole: int) -> str:
    """A share as a small inline bar and its figure."""
    width = 100 * part / whole if whole else 0.0
    return f'<span class="bar"><span style="width:{width:.1f}%"></span></span> {percent(part, whole)}'


def chart(svg: str, alt: str) -> str:
    """An SVG chart as a ``data:`` image: it cannot run script or load anything, and its ids stay its own."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img class="chart" alt="{esc(alt)}" src="data:image/svg+xml;base64,{data}">'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (), kind: str = "") -> str:
    """A table from cells that are already HTML; columns in ``numeric`` are right-aligned."""
    head = "".join(f"<th{' class=num' if i in numeric else ''}>{h}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{' class=num' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    opening = f'<table class="{kind}">' if kind else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(anchor: str, heading: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{heading}</h2>{body}</section>'


def document(title: str, subtitle: str, nav: Sequence[tuple[str, str]], body: str) -> str:
    """The whole page: head with the CSP and styles, a header, a table of contents and ``body``."""
    style = (resources.files("moderation.report") / "report.css").read_text(encoding="utf-8")
    colours = "".join(f"--{label}:{LABEL_COLORS[label]};" for label in LABELS)
    links = "".join(f'<a href="#{anchor}">{text}</a>' for anchor, text in nav)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>:root{{{colours}}}\n{style}</style></head>\n"
        f'<body><header><h1>{esc(title)}</h1><p class="sub">{subtitle}</p><nav>{links}</nav></header>\n'
        f"<main>{body}</main></body></html>\n"
    )

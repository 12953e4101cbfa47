"""The report of a scored comment file, as one HTML page, from a ``Summary`` (see ``summary``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from moderation.harm import label_name, versus
from moderation.labels import LABEL_TITLES, LABELS
from moderation.report import charts
from moderation.report.html import chart, document, esc, number, percent, section, share_bar, table
from moderation.report.reading import RejectsTally
from moderation.report.summary import Excerpt, FlaggedComment, HarmGroup, Summary, Tally, ThresholdUsed

ARTICLE_ROWS = 50
ARTICLE_BARS = 15
AUTHOR_ROWS = 25
TITLE_SHOWN = 160
NAME_SHOWN = 80
NO_ARTICLE = "(comments that name no article)"


@dataclass
class ReportContext:
    """What the page says about where its figures come from."""

    title: str
    sources: Sequence[str]
    thresholds: Mapping[str, ThresholdUsed]
    rejects: RejectsTally | None = None
    unfinished: Sequence[str] = field(default_factory=list)


def render_report(summary: Summary, context: ReportContext) -> str:
    """The whole HTML page."""
    if not summary.comments:
        return _empty_report(summary, context)
    parts = [
        section("summary", "At a glance", _headline(summary, context)),
        section("articles", "Articles", _articles(summary)),
        section("scores", "Scores", _histograms(summary, context.thresholds)),
        section("time", "Over time", _timeline(summary)),
        section("authors", "Authors with the most flags", _authors(summary)),
        section("examples", "Most harmful flagged comments", _examples(summary, context.thresholds)),
        section("model", "Model, thresholds and inputs", _provenance(summary, context)),
    ]
    nav = [
        ("articles", "Articles"),
        ("scores", "Scores"),
        ("time", "Over time"),
        ("authors", "Authors"),
        ("examples", "Flagged comments"),
        ("model", "Model and inputs"),
    ]
    return document(context.title, _subtitle(summary, context), nav, "\n".join(parts))


def _subtitle(summary: Summary, context: ReportContext) -> str:
    sources = ", ".join(esc(s, NAME_SHOWN) for s in context.sources[:5])
    more = f" and {len(context.sources) - 5} more files" if len(context.sources) > 5 else ""
    return f"{number(summary.comments)} scored comments from {sources}{more}"


def _empty_report(summary: Summary, context: ReportContext) -> str:
    nothing = '<p class="note">The input holds no scored comments: there is nothing to count or draw.</p>'
    parts = [
        section("summary", "At a glance", _headline(summary, context) + nothing),
        section("model", "Model, thresholds and inputs", _provenance(summary, context)),
    ]
    return document(context.title, _subtitle(summary, context), [("model", "Model and inputs")], "\n".join(parts))


def _card(value: str, caption: str, kind: str = "", detail: str = "") -> str:
    small = f"<small>{detail}</small>" if detail else ""
    return f'<div class="card {kind}"><b>{value}</b><span>{caption}</span>{small}</div>'


def _headline(summary: Summary, context: ReportContext) -> str:
    n = summary.comments
    cards = [
        _card(number(n), "comments"),
        _card(number(summary.flagged), "flagged (any label)", "flagged", percent(summary.flagged, n)),
    ]
    for label in LABELS:
        count = summary.per_label[label]
        cards.append(_card(number(count), f"flagged {LABEL_TITLES[label].lower()}", label, percent(count, n)))
    cards.append(_card(number(summary.named_articles), "articles with comments"))
    cards.append(_card(number(summary.named_authors), "authors"))
    rejects = context.rejects
    if rejects is not None and rejects.files:
        cards.append(_card(number(rejects.count), "rejected records", detail="not scored: see below"))
    else:
        cards.append(_card("?", "rejected records", detail="no rejects file found"))
    return f'<div class="cards">{"".join(cards)}</div>'


def _article_name(key: str | None, tally: Tally) -> str:
    if key is None:
        return esc(NO_ARTICLE)
    if tally.title:
        return f'{esc(tally.title, TITLE_SHOWN)}<span class="id">{esc(key, NAME_SHOWN)}</span>'
    return f'{esc(key, TITLE_SHOWN)}<span class="id">no title in the source</span>'


def _articles(summary: Summary) -> str:
    ranked = summary.ranked_articles()
    named = [(key, t) for key, t in ranked if key is not None][:ARTICLE_BARS]
    parts = []
    if any(t.flagged for _, t in named):
        bars = [(t.title or key or "", t.flagged, t.comments) for key, t in named if t.flagged]
        parts.append(chart(charts.article_shares(bars), "Articles with the largest share of flagged comments"))
    parts.append(_tally_table("article", [(_article_name(key, t), t) for key, t in ranked[:ARTICLE_ROWS]]))
    parts.append('<p class="note">Worst first: by the share of comments flagged for any label, then by flags.')
    if len(ranked) > ARTICLE_ROWS:
        parts.append(f" {number(len(ranked) - ARTICLE_ROWS)} more articles with smaller shares are not listed.")
    parts.append("</p>")
    return "".join(parts)


def _tally_table(what: str, rows: Sequence[tuple[str, Tally]]) -> str:
    """Ranked rows of an article or author (name as HTML): comments, flagged, share, flags per label."""
    cells = [
        [
            str(rank),
            name,
            number(t.comments),
            number(t.flagged),
            share_bar(t.flagged, t.comments),
            *(number(n) for n in t.labels),
        ]
        for rank, (name, t) in enumerate(rows, 1)
    ]
    headers = ["#", what, "comments", "flagged", "flagged share", *(LABEL_TITLES[k] for k in LABELS)]
    return table(headers, cells, numeric=(0, 2, 3, 5, 6, 7), kind="tally")


def _histograms(summary: Summary, thresholds: Mapping[str, ThresholdUsed]) -> str:
    images = []
    for label in LABELS:
        used = thresholds[label]
        svg = charts.score_histogram(
            label, summary.histograms[label], used.value, summary.per_label[label], summary.comments
        )
        images.append(chart(svg, f"Distribution of {LABEL_TITLES[label]} scores"))
    note = (
        '<p class="note">Comments per score bin of width 0.02; bins at or above the threshold (dashed) are coloured. '
        "Most comments score near 0, so the scale is logarithmic when counts differ widely.</p>"
    )
    return f'<div class="charts">{"".join(images)}</div>{note}'


def _timeline(summary: Summary) -> str:
    timeline = summary.timeline
    notes = []
    if timeline.undated:
        notes.append(f"{number(timeline.undated)} comments carry no <code>created_at</code> time.")
    if timeline.unreadable:
        notes.append(
            f"{number(timeline.unreadable)} have a time that could not be read "
            f"(for example <code>{esc(timeline.unreadable_example)}</code>)."
        )
    note = f'<p class="note">{" ".join(notes)}</p>' if notes else ""
    if not timeline.days:
        return '<p class="note">No comment carries a readable <code>created_at</code> time, so there is no ' + (
            f"timeline to draw.</p>{note}"
        )
    period, starts, rows = timeline.series()
    return chart(charts.flags_over_time(period, starts, rows, LABELS), f"Comments and flags per {period}") + note


def _authors(summary: Summary) -> str:
    ranked = summary.ranked_authors()
    anonymous = summary.authors.get(None)
    note = (
        f'<p class="note">{number(anonymous.comments)} comments have no author '
        f"({number(anonymous.flagged)} of them flagged) and are not counted here.</p>"
        if anonymous
        else ""
    )
    if not ranked:
        return f'<p class="note">No named author has a flagged comment.</p>{note}'
    more = ""
    if len(ranked) > AUTHOR_ROWS:
        more = f'<p class="note">{number(len(ranked) - AUTHOR_ROWS)} more authors with flags are not listed.</p>'
    body = _tally_table("author", [(esc(author, NAME_SHOWN), t) for author, t in ranked[:AUTHOR_ROWS]])
    return body + more + note


def highlight(part: Excerpt, label: str) -> str:
    """The excerpt as HTML text with its evidence spans marked; overlapping spans are merged."""
    out = []
    if part.cut_before:
        out.append(f'<span class="cut">… {number(part.cut_before)} characters before … </span>')
    position = 0
    for start, end in part.spans:
        start = max(start, position)
        if start >= end:
            continue
        out.append(esc(part.text[position:start]))
        out.append(f'<mark class="{label}">{esc(part.text[start:end])}</mark>')
        position = end
    out.append(esc(part.text[position:]))
    if part.cut_after:
        out.append(f'<span class="cut"> … {number(part.cut_after)} more characters</span>')
    return "".join(out)


def _comment(item: FlaggedComment, summary: Summary, thresholds: Mapping[str, ThresholdUsed]) -> str:
    tally = summary.articles.get(item.article)
    title = (tally.title if tally else None) or item.article or "no article"
    used = thresholds.get(item.label)
    why = (
        f"{label_name(item.label)} {versus(item.score, used.value, 3)}"
        if used is not None and used.exact and used.value is not None
        else f"{label_name(item.label)} {item.score:.3f}"
    )
    also = f" · also {', '.join(label_name(label) for label in item.also)}" if item.also else ""
    if item.narratives:
        also += " · matches <b>" + esc("; ".join(item.narratives), TITLE_SHOWN) + "</b>"
    meta = (
        f"<b>{esc(why)}</b>{also} · {esc(item.author or 'no author', NAME_SHOWN)} · on "
        f"<i>{esc(title, TITLE_SHOWN)}</i> · <code>{esc(item.source or item.id, NAME_SHOWN)}</code>"
    )
    return (
        f'<div class="comment {item.label}"><div class="meta">{meta}</div>'
        f'<div class="text">{highlight(item.excerpt, item.label)}</div></div>'
    )


def _group_title(group: HarmGroup) -> str:
    names = [LABEL_TITLES[label] for label in group.labels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1].lower()


def _examples(summary: Summary, thresholds: Mapping[str, ThresholdUsed]) -> str:
    order = ", ".join(f"{label_name(label)} {summary.severity[label]:g}" for label in LABELS)
    parts = [
        '<p class="note">In the order the review queue shows them by default: each flagged comment once, under '
        "the most severe label it is flagged for, and within that label the likeliest first (by its calibrated "
        f"score). Severity: {esc(order)} (higher first; the config's <code>[severity]</code> table sets it). "
        "The phrases that pushed that label's score up most are highlighted.</p>"
    ]
    for group in summary.most_harmful():
        parts.append(f"<h3>{esc(_group_title(group))}</h3>")
        if not group.comments:
            parts.append('<p class="note">No comment is flagged with this as its most severe label.</p>')
            continue
        shown = len(group.comments)
        count = (
            f"{number(group.count)} flagged comments; the {number(shown)} likeliest"
            if group.count > shown
            else f"{number(group.count)} flagged comment{'s' if group.count != 1 else ''}"
        )
        parts.append(f'<p class="note">{count}.</p>')
        parts.append(
            '<div class="comments">' + "".join(_comment(i, summary, thresholds) for i in group.comments) + "</div>"
        )
    return "".join(parts)


def _provenance(summary: Summary, context: ReportContext) -> str:
    versions = ", ".join(
        f"<code>{esc(v)}</code> ({number(n)} comments)" for v, n in sorted(summary.model_versions.items())
    )
    rows = [
        [
            LABEL_TITLES[label],
            f"{used.value:.4f}" if used.value is not None else "-",
            esc(used.how),
            f"{summary.severity[label]:g}",
        ]
        for label, used in context.thresholds.items()
    ]
    parts = [
        f"<p>Model version: {versions or '-'}.</p>",
        table(["label", "threshold", "how the report knows", "severity"], rows, numeric=(1, 3)),
    ]
    if summary.relevance_not_judged:
        parts.append(
            f'<p class="note">{number(summary.relevance_not_judged)} comments had no article, parent or thread to '
            "compare with: their off-topic score is spam alone.</p>"
        )
    parts.append(_rejects(context))
    files = "".join(f"<li><code>{esc(s)}</code></li>" for s in context.sources[:50])
    more = f"<li>and {len(context.sources) - 50} more</li>" if len(context.sources) > 50 else ""
    parts.append(f"<h3>Scored files</h3><ul>{files}{more}</ul>")
    if context.unfinished:
        unfinished = "".join(f"<li><code>{esc(s)}</code></li>" for s in context.unfinished)
        parts.append(
            "<h3>Unfinished partitions (not in this report)</h3>"
            f'<p class="note">These were still being written or their task failed:</p><ul>{unfinished}</ul>'
        )
    return "".join(parts)


def _rejects(context: ReportContext) -> str:
    rejects = context.rejects
    if rejects is None or not rejects.files:
        return (
            '<h3>Rejected records</h3><p class="note">No rejects file was found beside the scored files. '
            "<code>moderation score --skip-invalid</code> writes one (<code>OUTPUT.rejects.jsonl</code>) only when "
            "it rejects something; if it was written elsewhere, pass it with <code>--rejects</code>.</p>"
        )
    files = ", ".join(f"<code>{esc(f, NAME_SHOWN)}</code>" for f in rejects.files[:10])
    reasons = sorted(rejects.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    rows = [[esc(reason, 200), number(n)] for reason, n in reasons]
    body = f"<h3>Rejected records</h3><p>{number(rejects.count)} input records were rejected (from {files}).</p>"
    return body + (table(["reason", "records"], rows, numeric=(1,)) if rows else "")

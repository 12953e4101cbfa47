"""The pieces of the comment view: the text with its evidence lit up, score bars, and its context.

Comment text is always handed to Rich as ``Text`` objects, never as markup, so a comment containing
``[bold red]`` or terminal escape sequences shows exactly what the reader typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from moderation.labels import LABEL_TITLES, LABELS
from moderation.records import ScoredComment

LABEL_STYLES = {
    "abuse": "bold white on dark_red",
    "conspiracy": "bold black on yellow",
    "off_topic": "bold white on blue",
}
_CONTROL = {c: "�" for c in [*range(0, 9), *range(11, 32), 127]}  # escape sequences shown inert


def literal(text: str) -> Text:
    """Plain text for display: control characters (ESC...) replaced, markup never interpreted."""
    return Text(text.translate(_CONTROL))


def snippet(text: str, width: int = 90) -> Text:
    flat = " ".join(text.split())
    return literal(flat if len(flat) <= width else flat[: width - 1] + "…")


class PlacementLine(Static):
    """Why the comment is where it is: the flag that places it in the harm order, against its threshold.

    Styled in app.tcss by class: ``flagged`` or ``unflagged``.
    """

    def show(self, why: str | None, *, flagged: bool) -> None:
        self.set_class(why is not None and flagged, "flagged")
        self.set_class(why is not None and not flagged, "unflagged")
        self.update(literal(why or ""))


class CommentText(Static):
    """The comment, with each flagged label's evidence phrases highlighted in that label's colour."""

    def show(self, scored: ScoredComment | None) -> None:
        if scored is None:
            self.update(Text("Nothing to review with these filters.", style="italic"))
            return
        text = literal(scored.comment.text)
        for label, spans in scored.evidence.items():
            for span in spans:
                text.stylize(LABEL_STYLES.get(label, "reverse"), span.start, span.end)
        self.update(text)


class ScoreBars(Static):
    """One bar per label, with the flag threshold marked and the corrected labels ticked."""

    def show(self, scored: ScoredComment | None, thresholds: Mapping[str, float], corrected: Sequence[str]) -> None:
        if scored is None:
            self.update("")
            return
        width = 30
        lines = Text()
        for k, label in enumerate(LABELS):
            p = scored.scores[label]
            mark = min(int(thresholds[label] * width), width - 1)
            filled = round(p * width)
            bar = Text()
            for i in range(width):
                ch = "█" if i < filled else "░"
                if i == mark:
                    ch = "┃"
                style = LABEL_STYLES[label].split(" on ")[-1] if i < filled else "grey50"
                bar.append(ch, style="bold white" if i == mark else style)
            tick = "[x]" if label in corrected else "[ ]"
            flag = "FLAG" if label in scored.flags else "    "
            lines.append(f"{k + 1} {tick} {LABEL_TITLES[label]:<11}", style="bold" if label in corrected else "")
            lines.append_text(bar)
            lines.append(f" {p:5.2f}  threshold {thresholds[label]:.2f}  {flag}\n")
        for label, spans in scored.evidence.items():
            named = list(dict.fromkeys(n for span in spans for n in span.narratives))
            if named and label in scored.flags:
                lines.append(f"  {LABEL_TITLES[label]} matches: ", style="bold")
                lines.append_text(literal("; ".join(named)))
                lines.append("\n")
        for note in scored.notes:
            lines.append(f"note: {note}\n", style="italic grey70")
        self.update(lines)


class ContextView(Static):
    """Author, article, the comment replied to, and the author's other comments with their decisions."""

    def show(
        self,
        scored: ScoredComment | None,
        *,
        article_title: str | None,
        article_lead: str,
        parent: str | None,
        history: Sequence[tuple[str, str]],
        model_version: str | None,
        parent_stub: str | None = None,
        changed: str | None = None,
    ) -> None:
        """``parent_stub`` stands in for a parent that is gone (deleted, rejected, not in the sources);
        ``changed`` says what was decided on this comment when it read differently."""
        if scored is None:
            self.update("")
            return
        c = scored.comment
        out = Text()
        if changed:
            out.append("CHANGED SINCE DECIDED  ", style="bold black on yellow")
            out.append_text(literal(changed))
            out.append("\n\n")
        out.append("Comment  ", style="bold")
        out.append_text(literal(c.key))
        out.append("\n")
        out.append("Author   ", style="bold")
        out.append_text(literal(c.author or "(unknown)"))
        out.append(f"    source {c.source or '-'}    model {model_version or '-'}\n", style="grey70")
        out.append("Article  ", style="bold")
        out.append_text(literal(article_title or c.article_id or "(none)"))
        out.append("\n")
        if article_lead:
            out.append_text(literal(article_lead))
            out.append("\n")
        if parent:
            out.append("\nIn reply to\n", style="bold")
            out.append_text(snippet(parent, 300))
            out.append("\n")
        elif parent_stub:
            out.append("\nIn reply to\n", style="bold")
            out.append_text(literal(parent_stub))
            out.stylize("italic grey70", len(out) - len(parent_stub))
            out.append("\n")
        out.append(f"\nAuthor's other comments here: {len(history)}\n", style="bold")
        for state, text in history[:8]:
            out.append(f"  {state:<9} ", style="bold red" if state == "removed" else "grey70")
            out.append_text(snippet(text, 100))
            out.append("\n")
        self.update(out)

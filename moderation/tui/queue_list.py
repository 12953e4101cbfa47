"""A virtual list of the queue: draws only the rows on screen, so 100,000 comments cost no more than 40.

A DataTable keeps (and measures) a row object per comment; rebuilding it after a filter change or a
decision took seconds at 10,000 comments. This widget holds nothing but a row count and asks the app for
the text of the few rows it is about to draw.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

RowText = Callable[[int], Text]


class QueueList(ScrollView, can_focus=True):
    """Rows of the current view; the cursor row is the comment on screen."""

    COMPONENT_CLASSES = {"queue-list--cursor", "queue-list--header", "queue-list--flagged"}
    """Styled in app.tcss; ``--flagged`` is for the flags and the why of flagged comments."""
    BINDINGS = [
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]
    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to ``row``."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, row_text: RowText, header: Text, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row_text = row_text
        self.header = header
        self.count = 0

    def set_rows(self, count: int, cursor: int = 0) -> None:
        """Show ``count`` rows with the cursor on ``cursor`` (clamped)."""
        self.count = count
        self.virtual_size = Size(self.size.width, count + 1)
        self.cursor = max(0, min(cursor, count - 1))
        self.refresh()

    def refresh_row(self, row: int) -> None:
        self.refresh(Region(0, row + 1 - self.scroll_offset.y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return self._strip(self.header, width, self.get_component_rich_style("queue-list--header"))
        row = self.scroll_offset.y + y - 1
        if row >= self.count:
            return Strip.blank(width, self.rich_style)
        if row == self.cursor:
            return self._strip(self.row_text(row), width, self.get_component_rich_style("queue-list--cursor"), True)
        return self._strip(self.row_text(row), width, self.rich_style)

    def _strip(self, text: Text, width: int, style: Style, over: bool = False) -> Strip:
        """One row; ``over``: ``style`` wins over the text's own colours (the cursor row stays legible)."""
        text = text.copy()
        text.truncate(width, overflow="ellipsis", pad=True)
        segments = [
            Segment(s.text, (s.style + style if over else style + s.style) if s.style else style)
            for s in text.render(self.app.console)
        ]
        return Strip(segments).adjust_cell_length(width, style)

    def watch_cursor(self, old: int, new: int) -> None:
        if self.count == 0:
            return
        visible = self.size.height - 1
        top = self.scroll_offset.y
        if new < top:
            self.scroll_to(y=new, animate=False)
            self.refresh()
        elif visible > 0 and new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
            self.refresh()
        else:  # only the two rows whose highlight changed
            self.refresh_row(old)
            self.refresh_row(new)
        self.post_message(self.Highlighted(new))

    def action_cursor(self, step: int) -> None:
        if self.count:
            self.cursor = max(0, min(self.cursor + step, self.count - 1))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 2))

    def action_jump(self, row: int) -> None:
        if self.count:
            self.cursor = row % self.count

    def on_click(self, event: Click) -> None:
        row = self.scroll_offset.y + event.y - 1
        if 0 <= row < self.count:
            self.cursor = row

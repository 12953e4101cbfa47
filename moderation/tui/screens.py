"""Modal screens: help, confirmation, a choice from a list (reasons, bulk action) and search."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static


class HelpScreen(ModalScreen[None]):
    """Every key binding of the queue, with what it does."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, bindings: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.entries = bindings

    def compose(self) -> ComposeResult:
        table = Text()
        for key, description in self.entries:
            table.append(f"{key:>12}  ", style="bold")
            table.append(f"{description}\n")
        with Vertical(id="dialog"):
            yield Label("Keys", id="dialog-title")
            yield Static(table)
            yield Label("Esc closes this help.", classes="hint")

    def action_dismiss(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no, for actions that touch many comments at once."""

    BINDINGS = [Binding("y,enter", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.question), id="dialog-title")
            yield Label("y / Enter: yes     n / Esc: no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one option (a removal reason, a bulk action); Esc picks nothing."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), id="dialog-title")
            yield OptionList(*[Text(o) for o in self.options], id="choices")
            yield Label("↑/↓ and Enter to choose, Esc to cancel", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchScreen(ModalScreen[str | None]):
    """Text to search comments and authors for; empty clears the search."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Search comment text and authors", id="dialog-title")
            yield Input(value=self.current, placeholder="words to find (empty: show all)", id="search")
            yield Label("Enter to search, Esc to cancel", classes="hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        apply = getattr(self.app, "apply_search", None)
        if apply is not None:
            apply(event.value.strip())  # the queue narrows as the moderator types

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)

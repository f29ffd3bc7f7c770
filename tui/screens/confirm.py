"""Ask before a risky write (outside the game's folder, or over an existing file)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.screens.once import DismissOnce


class ConfirmScreen(DismissOnce, ModalScreen[bool]):
    """Returns True for y, False for n or escape (the safe answer is the default)."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str, concerns: list[str]) -> None:
        super().__init__()
        self.question, self.concerns = question, concerns

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"[b]{self.question}[/b]", classes="title")
            for line in self.concerns:
                yield Static(f"- {line}", markup=False)
            yield Static("[dim]y to write anyway, n or escape to cancel[/dim]")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

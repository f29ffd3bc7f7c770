"""The `?` help screen: every key of the dashboard, from its table (tui/keymap.py)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keymap import DASHBOARD, help_rows
from tui.screens.once import DismissOnce


def help_text() -> str:
    """One line per key of the dashboard's table: keys in bold, then what they do."""
    return "\n".join(f"[b]{k:<10}[/b] {v}" for k, v in help_rows(DASHBOARD))


class HelpScreen(DismissOnce, ModalScreen[None]):
    """Keys and what they do."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        text = help_text()
        # scrolls (arrows, page keys) where the terminal is shorter than the list (80x24)
        with VerticalScroll(classes="dialog"):
            yield Static("[b]Keys[/b]", classes="title")
            yield Static(text, id="help-keys")
            yield Static("[dim]escape or ? to close[/dim]")

    def action_dismiss(self, result=None) -> None:
        self.dismiss(None)

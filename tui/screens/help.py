"""The `?` help screen: every key of the dashboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.screens.once import DismissOnce

KEYS = (
    ("n / space", "next turn (with human seats: each team fills its move form first)"),
    ("r", "run / pause"),
    ("b", "back one turn (replays the game from the start)"),
    ("i", "inject a shock (library or custom), applied next turn"),
    ("w", "what-if: set ACTOR.param=VALUE and fork a branch from this turn"),
    ("a", "inspect the next actor"),
    ("arrows", "select a dyad and track in the matrix"),
    ("s / l", "save / load a game (replay file)"),
    ("e", "export the after-action report (HTML + Markdown)"),
    ("ctrl+p", "command palette"),
    ("?", "this help"),
    ("q", "quit"),
)


class HelpScreen(DismissOnce, ModalScreen[None]):
    """Keys and what they do."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        text = "\n".join(f"[b]{k:<10}[/b] {v}" for k, v in KEYS)
        with Vertical(classes="dialog"):
            yield Static("[b]Keys[/b]", classes="title")
            yield Static(text, id="help-keys")
            yield Static("[dim]escape or ? to close[/dim]")

    def action_dismiss(self, result=None) -> None:
        self.dismiss(None)

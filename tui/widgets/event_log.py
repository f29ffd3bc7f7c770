"""The event log: each turn's events and every change with its plain-language reason."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

STYLES = {
    "shock": "bold red",
    "inject": "bold red",
    "move": "bold cyan",
    "negotiation": "yellow",
    "agreement": "bold green",
    "activity": "dim",
    "change": "",
    "info": "italic",
    "turn": "bold magenta",
    "error": "bold red",
}


class EventLog(RichLog):
    """Scrolling log; `lines` holds everything written (for tests and the report)."""

    def __init__(self, **kw) -> None:
        super().__init__(
            wrap=True, markup=False, highlight=False, max_lines=2000, min_width=20, **kw
        )
        self.lines_written: list[tuple[str, str]] = []

    def add(self, date: str, kind: str, text: str) -> None:
        self.add_many(date, [(kind, text)])

    def add_many(self, date: str, lines: list[tuple[str, str]]) -> None:
        """(kind, text) lines of one date, written at once (a turn's dozen lines cost one
        write, not twelve)."""
        self.lines_written.extend(lines)
        out = Text()
        for i, (kind, text) in enumerate(lines):
            out.append(("\n" if i else "") + f"{date} ", style="bold")
            out.append(text, style=STYLES.get(kind, ""))
        self.write(out)

"""The event log: each turn's events and every change with its plain-language reason."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from tui.widgets.style_once import StyleOncePerRepaint

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


class EventLog(StyleOncePerRepaint, RichLog):
    """Scrolling log; `lines` holds everything written (for tests and the report)."""

    def __init__(self, **kw) -> None:
        super().__init__(
            wrap=True, markup=False, highlight=False, max_lines=2000, min_width=20, **kw
        )
        self.lines_written: list[tuple[str, str]] = []
        #: each write as (date, lines), to wrap them again at a new width
        self._batches: list[tuple[str, list[tuple[str, str]]]] = []
        self._wrapped_at = 0

    def add(self, date: str, kind: str, text: str) -> None:
        self.add_many(date, [(kind, text)])

    def add_many(self, date: str, lines: list[tuple[str, str]]) -> None:
        """(kind, text) lines of one date, written at once (a turn's dozen lines cost one
        write, not twelve)."""
        self.lines_written.extend(lines)
        self._batches.append((date, list(lines)))
        del self._batches[: -self.max_lines]
        # scrolled to the new lines in the same repaint: RichLog's own scroll waits for the
        # next refresh, so a turn was painted twice, the second time for the scroll alone
        self.write(self._text(date, lines), scroll_end=False)
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    @staticmethod
    def _text(date: str, lines: list[tuple[str, str]]) -> Text:
        out = Text()
        for i, (kind, text) in enumerate(lines):
            out.append(("\n" if i else "") + f"{date} ", style="bold")
            out.append(text, style=STYLES.get(kind, ""))
        return out

    def on_resize(self) -> None:
        """Lines written while the log was hidden or narrow (a small terminal shares one
        panel between the log and the inspector) are wrapped again at the width it has
        now, so they read as full lines."""
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._wrapped_at:
            return
        self._wrapped_at = width
        if not self._batches:
            return
        self.clear()
        for date, lines in self._batches:
            self.write(self._text(date, lines))

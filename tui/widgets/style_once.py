"""Textual's `Widget.rich_style` walks every ancestor's styles and blends their colours on each
call, about 50 µs, and line-drawing widgets (RichLog, DataTable) ask for it once per line: a
scrolled story log asked 24 times per repaint. Within one repaint the styles cannot change, so
the widgets below work it out once per `render_lines`."""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip


class StyleOncePerRepaint:
    """Mixin for a Widget subclass: `rich_style` computed once per `render_lines` call."""

    _repaint_style: Style | None = None

    @property
    def rich_style(self) -> Style:
        if self._repaint_style is not None:
            return self._repaint_style
        return super().rich_style

    def render_lines(self, crop: Region) -> list[Strip]:
        self._repaint_style = None
        self._repaint_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._repaint_style = None

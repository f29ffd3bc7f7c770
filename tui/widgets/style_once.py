"""Textual's `Widget.rich_style` and `background_colors` walk every ancestor's styles and blend
their colours on each call (about 50 µs), and so does the `rich_style` of a component's styles
(DataTable's header, rows). Line-drawing widgets ask for them once per line: a scrolled story
log asked 24 times per repaint, the matrix three times per row. Within one repaint the styles
cannot change, so the widgets below work each out once per `render_lines`."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip


class _ComponentStyles:
    """A component's styles with their `rich_style` worked out once."""

    def __init__(self, styles: Any) -> None:
        self._styles = styles
        self.rich_style = styles.rich_style

    def __getattr__(self, name: str) -> Any:
        return getattr(self._styles, name)


class StyleOncePerRepaint:
    """Mixin for a Widget subclass: `rich_style`, `background_colors` and the components'
    styles computed once per `render_lines` call."""

    _repaint: dict[Any, Any] | None = None  # what this repaint has worked out

    @property
    def rich_style(self) -> Style:
        if self._repaint is None:
            return super().rich_style
        if "rich_style" not in self._repaint:
            self._repaint["rich_style"] = super().rich_style
        return self._repaint["rich_style"]

    @property
    def background_colors(self) -> tuple[Color, Color]:
        if self._repaint is None:
            return super().background_colors
        if "background_colors" not in self._repaint:
            self._repaint["background_colors"] = super().background_colors
        return self._repaint["background_colors"]

    def get_component_styles(self, *names: str) -> Any:
        if self._repaint is None:
            return super().get_component_styles(*names)
        if names not in self._repaint:
            self._repaint[names] = _ComponentStyles(super().get_component_styles(*names))
        return self._repaint[names]

    def render_lines(self, crop: Region) -> list[Strip]:
        self._repaint = {}
        try:
            return super().render_lines(crop)
        finally:
            self._repaint = None

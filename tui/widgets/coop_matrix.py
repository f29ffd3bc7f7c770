"""The cooperation matrix: dyads x tracks, each cell coloured by its level on the 0–5 scale
of the report (digest §3)."""

from __future__ import annotations

from typing import Self

import numpy as np
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region
from textual.message import Message
from textual.widgets import DataTable

from sim.vocabulary import TRACKS
from tui.widgets.style_once import StyleOncePerRepaint

SegmentLines = list[list[Segment]]

#: Background per rounded level 0..5 (cold to warm cooperation).
PALETTE = ("#5c1a1a", "#8a3b12", "#8a6d12", "#4f7a1e", "#1e7a4a", "#13616e")


#: Each shade's cell style, parsed once.
STYLES = tuple(f"bold white on {shade}" for shade in PALETTE)


def label(level: float, base: float | None = None) -> tuple[str, str]:
    """A cell's text and style: ' 4.00 ', or '4.00 +0.12' with the difference from `base`
    (kept narrow: the branch's matrix sits beside the main one in 80 columns)."""
    style = STYLES[int(min(5, max(0, round(level))))]
    text = f" {level:4.2f} " if base is None else f"{level:4.2f} {level - base:+.2f}"
    return text, style


def cell(level: float, base: float | None = None) -> Text:
    """The cell for `level` (see `label`)."""
    text, style = label(level, base)
    return Text(text, style=style)


class CoopMatrix(StyleOncePerRepaint, DataTable):
    """Levels per dyad (rows) and track (columns); the cursor selects a cell."""

    class CellSelected(Message):
        """The selected dyad and track changed."""

        def __init__(self, matrix: CoopMatrix, dyad: int, track: int) -> None:
            super().__init__()
            self.matrix, self.dyad, self.track = matrix, dyad, track

    def __init__(self, dyads: tuple[str, ...], diff: bool = False, **kw) -> None:
        #: (text, style) shown in each cell, by (dyad, track)
        self.shown: dict[tuple[int, int], tuple[str, str]] = {}
        self._quiet = False  # update_cell's repaint of the whole table held back
        self._cells: LRUCache[tuple, SegmentLines] = LRUCache(1000)
        super().__init__(cursor_type="cell", zebra_stripes=False, **kw)
        self.dyads = dyads
        self.diff = diff  # cells also show the difference from a base (what-if branch)
        # the branch's rows line up with the main matrix beside it: no second set of labels
        self.show_row_labels = not diff

    def on_mount(self) -> None:
        for tr in TRACKS:
            self.add_column(tr, key=tr)
        # cells keep one width, so updating them never needs a new layout
        blank = cell(0.0, 0.0 if self.diff else None)
        for dy in self.dyads:
            self.add_row(*[blank for _ in TRACKS], key=dy, label=dy)

    def show(self, levels: np.ndarray, base: np.ndarray | None = None) -> set[int]:
        """Levels (D, K); with `base`, each cell also shows its difference from it. Only the
        cells whose text or colour changed are replaced, and only their rows repainted (a
        turn moves about half of the cells; repainting the whole table each turn was the
        largest part of the dashboard's redraw). Returns the rows repainted."""
        rows: set[int] = set()
        self._quiet = True
        try:
            for d in range(len(self.dyads)):
                for k in range(len(TRACKS)):
                    b = None if base is None else float(base[d, k])
                    shown = label(float(levels[d, k]), b)
                    if self.shown.get((d, k)) != shown:
                        self.shown[d, k] = shown
                        self.update_cell_at((d, k), Text(*shown), update_width=False)
                        rows.add(d)
        finally:
            self._quiet = False
        for d in rows:
            self.refresh_row(d)
        return rows

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """DataTable's rendering of a cell, cached by what the cell shows: DataTable's own
        cache is keyed by a count of all updates, so that replacing one cell rendered every
        cell, label and heading again (Textual is pinned to one version in pyproject.toml)."""
        key = (
            row_index,
            column_index,
            self.shown.get((row_index, column_index)),
            base_style,
            width,
            cursor,
            hover,
            self._show_hover_cursor,
            self._pseudo_class_state,
            self.show_cursor,
        )
        lines = self._cells.get(key)
        if lines is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._cells.set(key, lines)
        return lines

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._cells.clear()

    def notify_style_update(self) -> None:
        self._cells.clear()
        super().notify_style_update()

    def refresh(self, *regions: Region, **kw) -> Self:
        """While `show` replaces cells, DataTable.update_cell's repaint of the whole table is
        held back (`show` repaints the changed rows)."""
        if self._quiet and not regions and not kw:
            return self
        return super().refresh(*regions, **kw)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self.post_message(self.CellSelected(self, event.coordinate.row, event.coordinate.column))

"""The cooperation matrix: dyads x tracks, each cell coloured by its level on the 0–5 scale
of the report (digest §3)."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from sim.vocabulary import TRACKS

#: Background per rounded level 0..5 (cold to warm cooperation).
PALETTE = ("#5c1a1a", "#8a3b12", "#8a6d12", "#4f7a1e", "#1e7a4a", "#13616e")


def cell(level: float, base: float | None = None) -> Text:
    """' 4.00 ', or '4.00 +0.12' with the difference from `base` (kept narrow: the branch's
    matrix sits beside the main one in 80 columns)."""
    shade = PALETTE[int(min(5, max(0, round(level))))]
    text = f" {level:4.2f} " if base is None else f"{level:4.2f} {level - base:+.2f}"
    return Text(text, style=f"bold white on {shade}")


class CoopMatrix(DataTable):
    """Levels per dyad (rows) and track (columns); the cursor selects a cell."""

    class CellSelected(Message):
        """The selected dyad and track changed."""

        def __init__(self, matrix: CoopMatrix, dyad: int, track: int) -> None:
            super().__init__()
            self.matrix, self.dyad, self.track = matrix, dyad, track

    def __init__(self, dyads: tuple[str, ...], diff: bool = False, **kw) -> None:
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

    def show(self, levels: np.ndarray, base: np.ndarray | None = None) -> None:
        """Levels (D, K); with `base`, each cell also shows its difference from it."""
        for d in range(len(self.dyads)):
            for k in range(len(TRACKS)):
                b = None if base is None else float(base[d, k])
                self.update_cell_at((d, k), cell(float(levels[d, k]), b), update_width=False)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        event.stop()
        self.post_message(self.CellSelected(self, event.coordinate.row, event.coordinate.column))

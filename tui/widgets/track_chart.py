"""Chart of the selected dyad's three tracks over the game (the what-if branch dotted).

Drawn in braille dots (2 x 4 per cell) straight from the levels: a title line with the legend,
the level axis ticked at the whole levels 0–5 of the report's scale (digest §3), the turns'
dates along the bottom. The x axis spans the whole game, so it does not rescale as turns are
played. Drawing it is a fraction of a millisecond (a general plotting library took about a
quarter of a turn's redraw).
"""

from __future__ import annotations

import numpy as np
from rich.text import Span, Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from sim.vocabulary import TRACKS
from tui.widgets.style_once import StyleOncePerRepaint

COLORS = {"dialogue": "cyan", "exchange": "green", "exercise": "red"}
LEVELS = range(6)
#: Braille dot bits by (row 0–3, column 0–1) within a cell (Unicode U+2800 block).
BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])
AXIS = 4  # "5 ┤" and a space: the level labels and the axis line
DATE = 7  # "2021-Q3"
#: Turns between date ticks, the first whose labels fit (quarters: a half-year, a year, …).
STEPS = (1, 2, 4, 8, 12, 20, 40, 80)


def legend(branch: bool) -> Text:
    """Each track in its colour (and the what-if branch's dotted line when there is one)."""
    out = Text()
    for tr in TRACKS:
        out.append(" ━", style=COLORS[tr])
        out.append(f"{tr}")
    if branch:
        out.append(" ┈what-if", style="magenta")
    return out


def _segments(ys: np.ndarray, x0: int, x1: int, plot_h: int) -> tuple[np.ndarray, np.ndarray]:
    """Dots (x, y) of the line through the levels `ys` (the first at dot column x0, the last
    at x1), y counted in dots from the top of a plot `plot_h` cells high: a whole level
    falls in the cell row of its tick. Each column is filled down to its neighbour's dot so
    that steep moves stay joined."""
    n = len(ys)
    if n == 0:
        return np.zeros(0, int), np.zeros(0, int)
    cols = np.arange(x0, max(x0, x1) + 1)
    t = (cols - x0) / max(1, x1 - x0) * (n - 1)
    v = np.interp(t, np.arange(n), np.clip(ys, 0.0, 5.0))
    y = np.rint((5.0 - v) / 5.0 * (plot_h - 1) * 4 + 1.5).astype(int)
    prev = np.concatenate([y[:1], y[:-1]])
    lo, hi = np.minimum(prev, y), np.maximum(prev, y)
    runs = hi - lo + 1
    starts = np.repeat(lo - np.cumsum(runs) + runs, runs)
    return np.repeat(cols, runs), starts + np.arange(runs.sum())


#: A line of the chart as its text, base style and spans (a rich Text's parts).
Line = tuple[str, str, tuple[Span, ...]]


def draw(
    title: str,
    hist: np.ndarray,
    dates: list[str],
    width: int,
    height: int,
    branch: np.ndarray | None = None,
    fork_at: int | None = None,
) -> list[Text]:
    """The chart as `height` lines of `width` cells: `hist` (T+1, K) levels from turn 0,
    `dates` one per turn of the whole game (the x axis), `branch` likewise from turn 0 and
    drawn from `fork_at` on."""
    return [text(line) for line in chart_lines(title, hist, dates, width, height, branch, fork_at)]


def text(line: Line) -> Text:
    plain, style, spans = line
    return Text(plain, style=style, spans=list(spans))


def chart_lines(
    title: str,
    hist: np.ndarray,
    dates: list[str],
    width: int,
    height: int,
    branch: np.ndarray | None = None,
    fork_at: int | None = None,
) -> list[Line]:
    """`draw`'s lines as plain parts, so that lines that did not change are never made into
    Text."""
    head = Text(title, style="bold")
    head.append_text(legend(branch is not None))
    head.truncate(width)
    lines: list[Line] = [(head.plain, str(head.style), tuple(head.spans))]
    plot_h = height - 3  # title above, axis line and dates below
    plot_w = width - AXIS - 1
    if plot_h < 2 or plot_w < 4:
        return lines + [("", "", ())] * (height - 1)
    cols = plot_w * 2
    last = max(1, len(dates) - 1)
    cells = np.zeros((plot_h, plot_w), dtype=np.int32)  # braille bits
    # 1 + index in `styles`, 0 blank; a blank column after each row ends its runs of a style
    paint = np.zeros((plot_h, plot_w + 1), dtype=np.int32)
    styles: list[str] = []

    def plot(ys: np.ndarray, first: int, style: str, every: int = 1) -> None:
        x0 = round(first / last * (cols - 1))
        x1 = round((first + len(ys) - 1) / last * (cols - 1))
        c, r = _segments(ys, x0, x1, plot_h)
        keep = c % every == 0
        c, r = c[keep], r[keep]
        np.bitwise_or.at(cells, (r // 4, c // 2), BITS[r % 4, c % 2])
        styles.append(style)
        paint[r // 4, c // 2] = len(styles)

    for k, tr in enumerate(TRACKS):
        if branch is not None and fork_at is not None:
            plot(branch[fork_at:, k], fork_at, f"{COLORS[tr]} dim", every=2)
        plot(hist[:, k], 0, COLORS[tr])
    ticks = {round((5 - lv) / 5 * (plot_h - 1)): lv for lv in LEVELS}
    chars = np.where(cells > 0, cells + 0x2800, 0x20).astype("<u4")
    dots = chars.tobytes().decode("utf-32-le")
    # runs of one style along each row
    spans: list[list[Span]] = [[] for _ in range(plot_h)]
    flat = paint.ravel()
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    ends = np.r_[starts[1:], flat.size]
    for start, end, p in zip(starts.tolist(), ends.tolist(), flat[starts].tolist(), strict=True):
        if p:
            row, a = divmod(start, plot_w + 1)
            spans[row].append(Span(AXIS + a, AXIS + a + end - start, styles[p - 1]))
    lines += [
        (
            (f"{ticks[row]} ┤ " if row in ticks else "  │ ")
            + dots[row * plot_w : (row + 1) * plot_w],
            "dim",
            tuple(spans[row]),
        )
        for row in range(plot_h)
    ]
    axis = ["─"] * plot_w
    labels = [" "] * plot_w
    per_turn = (cols - 1) / last / 2  # cells per turn
    step = next((q for q in STEPS if q * per_turn >= DATE + 1), last)
    for turn in range(0, last + 1, step):
        c = round(turn / last * (cols - 1)) // 2
        axis[c] = "┬"
        start = min(c, plot_w - DATE)  # a date starts under its tick
        if all(ch == " " for ch in labels[max(0, start - 1) : start + DATE + 1]):
            labels[start : start + DATE] = list(dates[turn][:DATE].ljust(DATE))
    lines.append(("  └─" + "".join(axis), "dim", ()))
    lines.append((" " * AXIS + "".join(labels), "dim", ()))
    return lines


class TrackChart(StyleOncePerRepaint, Widget):
    """Levels 0–5 against the game's dates for one dyad."""

    DEFAULT_CSS = "TrackChart { height: 1fr; }"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._data: tuple | None = None
        #: what the strips were drawn for (size and base style), the lines and their strips
        self._drawn: tuple | None = None
        self._lines: list[tuple] = []
        self._strips: list[Strip] = []

    def show(
        self,
        dyad: str,
        hist: np.ndarray,
        dates: list[str],
        branch: np.ndarray | None = None,
        fork_at: int | None = None,
    ) -> None:
        """`hist` (T+1, K) for the main game, `dates` for every turn of the game, `branch`
        (the what-if line's levels from turn 0) drawn from `fork_at` on. Only the lines that
        changed are repainted: a turn's new point moves one to three lines of the twenty."""
        self._data = (f"{dyad} ", hist, dates, branch, fork_at)
        if self._drawn is None or self._drawn != self._key() or not self.display:
            self._drawn = None
            self.refresh()
            return
        for y in self._draw():
            self.refresh(Region(0, y, self._drawn[0], 1))

    def _key(self) -> tuple:
        return (self.size.width, self.size.height, self.rich_style)

    def _draw(self) -> list[int]:
        """Draw the chart for the present data, size and style; the lines that changed."""
        key = self._key()
        width, height, base = key
        title, hist, dates, branch, fork_at = self._data
        lines = chart_lines(title, hist, dates, width, height, branch, fork_at)
        if self._drawn != key or len(lines) != len(self._lines):
            self._drawn, self._lines, self._strips = key, [None] * len(lines), [None] * len(lines)
        console = self.app.console
        changed = []
        for y, line in enumerate(lines):
            if self._lines[y] != line:
                self._lines[y] = line
                self._strips[y] = (
                    Strip(text(line).render(console))
                    .apply_style(base)
                    .extend_cell_length(width, base)
                )
                changed.append(y)
        return changed

    def render_line(self, y: int) -> Strip:
        """One line of the chart, drawn once per `show`, size and style (Textual's line API:
        no text layout on each repaint)."""
        width, height, base = self._key()
        if self._data is None or min(width, height) <= 0:
            return Strip.blank(width, base)
        if self._drawn != (width, height, base):
            self._draw()
        return self._strips[y] if y < len(self._strips) else Strip.blank(width, base)

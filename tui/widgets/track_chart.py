"""Chart of the selected dyad's three tracks over time (the what-if branch dashed)."""

from __future__ import annotations

import numpy as np
from textual_plotext import PlotextPlot

from sim.vocabulary import TRACKS

COLORS = {"dialogue": "cyan", "exchange": "green", "exercise": "red"}


class TrackChart(PlotextPlot):
    """Levels 0–5 against turns for one dyad."""

    def show(
        self,
        dyad: str,
        hist: np.ndarray,
        dates: list[str],
        branch: np.ndarray | None = None,
        fork_at: int | None = None,
    ) -> None:
        """`hist` (T+1, K) for the main game, `branch` likewise from turn 0."""
        p = self.plt
        p.clear_data()
        p.clear_figure()
        x = list(range(len(hist)))
        for k, tr in enumerate(TRACKS):
            p.plot(x, hist[:, k].tolist(), label=tr, color=COLORS[tr], marker="braille")
        if branch is not None and fork_at is not None:
            xb = x[fork_at:]
            for k, tr in enumerate(TRACKS):
                p.plot(
                    xb,
                    branch[fork_at:, k].tolist(),
                    label=f"{tr} what-if",
                    color=COLORS[tr],
                    marker="dot",
                )
        step = max(1, -(-len(x) // 5))
        ticks = x[::step]
        p.xticks(ticks, [dates[i] for i in ticks])
        p.ylim(0, 5)
        p.title(f"{dyad}: cooperation by track")
        self.refresh()

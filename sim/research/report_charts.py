"""The charts of a batch report (sim/research/report.py): trajectories, final levels and
the response of final levels to each swept or sampled parameter, on the report's 0–5 scale
(Ch1 › Methodology)."""

from __future__ import annotations

import numpy as np

from sim.research.pages import level_axis
from sim.vocabulary import TRACKS


def trajectory_chart(levels: np.ndarray, dyads: list[str], dates: list[str]):
    """Median and 5–95% band per dyad (rows) and track (columns) over the recorded turns."""
    from sim.research.display import figure

    T = levels.shape[1]
    x = np.arange(T)
    q = np.quantile(levels, [0.05, 0.5, 0.95], axis=0)  # (3, T, D, K)
    fig = figure(11, 2.1 * len(dyads) + 0.6)
    axes = fig.subplots(
        len(dyads),
        len(TRACKS),
        sharex=True,
        sharey=True,
        squeeze=False,
    )
    ticks = x[:: max(1, T // 5)]
    for d, dy in enumerate(dyads):
        for k, tr in enumerate(TRACKS):
            ax = axes[d][k]
            ax.fill_between(
                x, q[0, :, d, k], q[2, :, d, k], alpha=0.3, color="tab:blue", label="90% band"
            )
            ax.plot(x, q[1, :, d, k], color="tab:blue", label="median")
            level_axis(ax, dy if k == 0 else None)
            ax.grid(alpha=0.3)
            if d == 0:
                ax.set_title(tr)
            ax.set_xticks(ticks, [dates[i] for i in ticks], fontsize=7)
    axes[0][0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def final_chart(final: np.ndarray, dyads: list[str]):
    """Distribution of final levels: one box per dyad, per track."""
    from sim.research.display import figure

    fig = figure(11, 3.2)
    axes = fig.subplots(1, len(TRACKS), sharey=True, squeeze=False)
    for k, tr in enumerate(TRACKS):
        ax = axes[0][k]
        ax.boxplot([final[:, d, k] for d in range(len(dyads))], whis=(5, 95), showfliers=False)
        ax.set_xticks(range(1, len(dyads) + 1), dyads, fontsize=8)
        level_axis(ax, "final level" if k == 0 else None)
        ax.set_title(tr)
        ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig


def response(values: np.ndarray, final: np.ndarray, bins: int = 8):
    """(x, mean, p5, p95) of `final` (R, ...) at each distinct value of `values` (R,), or
    per quantile bin when there are many values."""
    uniq = np.unique(values)
    if len(uniq) <= 12:
        groups = [values == u for u in uniq]
    else:
        edges = np.quantile(values, np.linspace(0, 1, bins + 1))
        idx = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
        groups = [idx == b for b in range(bins) if (idx == b).any()]
    x = np.array([values[g].mean() for g in groups])
    mean = np.array([final[g].mean(axis=0) for g in groups])
    lo = np.array([np.quantile(final[g], 0.05, axis=0) for g in groups])
    hi = np.array([np.quantile(final[g], 0.95, axis=0) for g in groups])
    return x, mean, lo, hi


def response_chart(final: np.ndarray, dyads: list[str], params: dict[str, np.ndarray]):
    """One row per parameter, one column per track: the final level's mean (line) and 90%
    band (shaded) against the parameter's value, one colour per dyad."""
    from matplotlib import rcParams

    from sim.research.display import figure

    names = list(params)
    fig = figure(11, 2.6 * len(names) + 0.6)
    axes = fig.subplots(len(names), len(TRACKS), sharey=True, squeeze=False)
    colors = rcParams["axes.prop_cycle"].by_key()["color"]
    for i, name in enumerate(names):
        x, mean, lo, hi = response(params[name], final)
        for k, tr in enumerate(TRACKS):
            ax = axes[i][k]
            for d, dy in enumerate(dyads):
                c = colors[d % len(colors)]
                ax.fill_between(x, lo[:, d, k], hi[:, d, k], color=c, alpha=0.12)
                ax.plot(x, mean[:, d, k], marker="o", ms=3, color=c, label=dy)
            ax.set_xlabel(name, fontsize=8)
            level_axis(ax, "final level" if k == 0 else None)
            ax.grid(alpha=0.3)
            if i == 0:
                ax.set_title(f"final {tr}")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return fig

"""How results show themselves: matplotlib figures and compact HTML for notebooks.

Every chart is drawn on a `Chart`, a `matplotlib.figure.Figure` of its own: nothing here
touches pyplot, its list of open figures or the backend, so a notebook's `plt.show()` and a
script's own figures behave as before. A notebook shows a returned Chart as PNG by itself;
`_repr_html_` of a result embeds a small PNG of its chart (base64) beside compact tables.
Import this module only where a chart is drawn (it loads matplotlib).

The charts: a fan chart of levels (median and 5–95% band per dyad and track over turns) for
batches and runs; the paired difference over time with its intervals for a comparison; bars
with confidence intervals for Sobol or Morris indices; the kept interval of each restricted
parameter for a discovery box, and PRIM's peeling trajectory.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim.vocabulary import SCALE, TRACKS

TRACK_COLORS = {"dialogue": "tab:blue", "exchange": "tab:green", "exercise": "tab:red"}
#: The dpi of the small chart inside `_repr_html_`
INLINE_DPI = 55


class Chart(Figure):
    """A matplotlib Figure that shows itself in a notebook as PNG, whether or not pyplot
    and its inline backend were ever loaded (a plain Figure made without pyplot shows as
    text there)."""

    def _repr_png_(self) -> bytes:
        return png_bytes(self)


def figure(width: float, height: float) -> Chart:
    """A new Figure of its own (no pyplot state, no backend change)."""
    return Chart(figsize=(width, height))


def png_bytes(fig, dpi: int = 100) -> bytes:
    """The figure as PNG (matplotlib's Agg renderer, whatever the backend)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()


def img(fig, alt: str, dpi: int = INLINE_DPI) -> str:
    """An <img> holding the figure as base64 PNG."""
    data = base64.b64encode(png_bytes(fig, dpi)).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{data}"/>'


def html_table(rows: list[dict[str, Any]], columns: list[str], fmt: dict[str, str]) -> str:
    """A compact HTML table; numbers formatted by `fmt` and right-aligned."""
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            if isinstance(v, int | float) and not isinstance(v, bool):
                text = format(v, fmt.get(c, ".3f")) if np.isfinite(v) else "n/a"
                cells.append(f'<td style="text-align:right">{escape(text)}</td>')
            else:
                cells.append(f"<td>{escape('' if v is None else str(v))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def card(title: str, lines: list[str], tables: Sequence[str] = (), chart: str | None = None) -> str:
    """A result as HTML: a title, a few lines of facts, tables and a chart side by side."""
    facts = "".join(f"<div>{escape(x)}</div>" for x in lines)
    parts = "".join(f'<div style="margin-right:1em">{t}</div>' for t in tables)
    if chart:
        parts += f"<div>{chart}</div>"
    return (
        f'<div class="wargame-result"><strong>{escape(title)}</strong>{facts}'
        f'<div style="display:flex;flex-wrap:wrap;align-items:flex-start">{parts}</div></div>'
    )


def short_repr(title: str, lines: list[str]) -> str:
    """A few lines: what it is, then its sizes and how to see more."""
    return "\n".join([title, *(f"  {x}" for x in lines)])


# --------------------------------------------------------------------------- levels
def level_quantiles(levels: np.ndarray) -> np.ndarray:
    """5th, 50th and 95th percentiles over runs of levels (T, R, D, K): (3, T, D, K)."""
    return np.quantile(levels, [0.05, 0.5, 0.95], axis=1)


def level_axis(ax) -> None:
    """The report's 0–5 scale with whole-number ticks."""
    ax.set_ylim(0, SCALE + 0.1)  # cooperation on the report's scale (Ch1 › Methodology)
    ax.set_yticks(range(int(SCALE) + 1))


def date_ticks(ax, turns: list[int], dates: list[str], n: int = 5) -> None:
    step = max(1, -(-len(turns) // n))
    ax.set_xticks(turns[::step], dates[::step], fontsize=7)


def fan_chart(levels: np.ndarray, turns: list[int], dates: list[str], dyads: list[str], title: str):
    """Median and 5–95% band over runs of every dyad's tracks over turns (levels: turns,
    runs, dyads, tracks); with one recorded turn, the median and band of each track as a
    point with an error bar."""
    q = level_quantiles(np.asarray(levels, dtype=float))
    D = len(dyads)
    cols = min(D, 2)
    rows = -(-D // cols)
    fig = figure(4.6 * cols, 2.3 * rows + 0.5)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False))
    x = np.asarray(turns)
    for d, dy in enumerate(dyads):
        ax = axes.flat[d]
        for k, tr in enumerate(TRACKS):
            c = TRACK_COLORS[tr]
            if len(x) > 1:
                ax.fill_between(x, q[0, :, d, k], q[2, :, d, k], color=c, alpha=0.18, lw=0)
                ax.plot(x, q[1, :, d, k], color=c, label=tr, lw=1.6)
            else:
                err = [[q[1, 0, d, k] - q[0, 0, d, k]], [q[2, 0, d, k] - q[1, 0, d, k]]]
                ax.errorbar([k], [q[1, 0, d, k]], yerr=err, fmt="o", color=c, capsize=3, label=tr)
        level_axis(ax)
        ax.grid(alpha=0.3)
        ax.set_title(dy, fontsize=9)
        if len(x) > 1:
            date_ticks(ax, list(x), dates)
        else:
            ax.set_xticks(range(len(TRACKS)), TRACKS, fontsize=7)
    for ax in axes.flat[D:]:
        ax.set_visible(False)
    band = "median and 5–95% of runs" if levels.shape[1] > 1 else "one run"
    axes.flat[0].legend(fontsize=7, loc="lower left")
    fig.suptitle(f"{title}: levels on the report's 0–5 scale ({band})", fontsize=10)
    fig.tight_layout()
    return fig


def level_array(df) -> tuple[np.ndarray, list[int], list[str], list[str]]:
    """Tidy levels (run, turn, date, dyad, track, level) as an array (turns, runs, dyads,
    tracks) with the turns, their dates and the dyads in the order of the rows; whatever
    types the columns were read with (integers, strings or categories)."""
    turn = df["turn"].astype(str).astype(int).to_numpy()
    dyad = df["dyad"].astype(str).to_numpy()
    track = df["track"].astype(str).to_numpy()
    turns = sorted(set(turn.tolist()))
    dyads = list(dict.fromkeys(dyad.tolist()))
    runs, ri = np.unique(df["run"].to_numpy(), return_inverse=True)
    ti = np.searchsorted(turns, turn)
    du, dinv = np.unique(dyad, return_inverse=True)
    di = np.array([dyads.index(d) for d in du])[dinv]
    ku, kinv = np.unique(track, return_inverse=True)
    ki = np.array([TRACKS.index(t) for t in ku])[kinv]
    out = np.full((len(turns), len(runs), len(dyads), len(TRACKS)), np.nan)
    out[ti, ri, di, ki] = df["level"].to_numpy()
    first = dict(zip(turn.tolist(), df["date"].astype(str).tolist(), strict=True))
    return out, turns, [first[t] for t in turns], dyads


def final_rows(levels: np.ndarray, dyads: list[str]) -> list[dict[str, Any]]:
    """Median and 5–95% of the last turn's levels per dyad and track (levels: T, R, D, K)."""
    q = level_quantiles(np.asarray(levels, dtype=float))[:, -1]
    one = levels.shape[1] == 1
    return [
        {"dyad": dy, "track": tr, "level" if one else "median": float(q[1, d, k])}
        | ({} if one else {"5%": float(q[0, d, k]), "95%": float(q[2, d, k])})
        for d, dy in enumerate(dyads)
        for k, tr in enumerate(TRACKS)
    ]


def final_table(levels: np.ndarray, dyads: list[str]) -> str:
    """The last turn's levels as a dyads × tracks table (median [5%, 95%] with many runs)."""
    q = level_quantiles(np.asarray(levels, dtype=float))[:, -1]
    one = levels.shape[1] == 1
    rows = []
    for d, dy in enumerate(dyads):
        row: dict[str, Any] = {"dyad": dy}
        for k, tr in enumerate(TRACKS):
            row[tr] = (
                f"{q[1, d, k]:.2f}"
                if one
                else f"{q[1, d, k]:.2f} [{q[0, d, k]:.2f}, {q[2, d, k]:.2f}]"
            )
        rows.append(row)
    return html_table(rows, ["dyad", *TRACKS], {})


# --------------------------------------------------------------------------- comparison
def difference_chart(summary: dict[str, Any]):
    """Counterfactual minus baseline over time: the mean paired difference, its Monte Carlo
    precision interval and (when sampled) the interval with parameter uncertainty; zero and
    the materiality threshold marked. One panel per dyad (rows) and track (columns)."""
    import pandas as pd

    df = pd.DataFrame(summary["over_time"])
    dyads = list(dict.fromkeys(df["dyad"]))
    fig = figure(11, 1.9 * len(dyads) + 1.2)
    axes = fig.subplots(len(dyads), len(TRACKS), sharex=True, sharey=True, squeeze=False)
    pct = int(round(summary["interval"] * 100))
    material = summary.get("material", 0.0)
    for d, dy in enumerate(dyads):
        for k, tr in enumerate(TRACKS):
            ax = axes[d][k]
            sel = df[(df["dyad"] == dy) & (df["track"] == tr)]
            ax.axhline(0, color="black", lw=0.6)
            if material:
                ax.axhspan(-material, material, color="grey", alpha=0.12, lw=0)
            if "param_low" in sel:
                ax.fill_between(
                    sel["turn"],
                    sel["param_low"],
                    sel["param_high"],
                    alpha=0.18,
                    color="tab:blue",
                    label=f"{pct}% with parameter uncertainty",
                )
            ax.fill_between(
                sel["turn"],
                sel["low"],
                sel["high"],
                alpha=0.45,
                color="tab:orange",
                label=f"{pct}% Monte Carlo precision",
            )
            ax.plot(sel["turn"], sel["difference"], color="tab:orange", label="mean difference")
            ax.grid(alpha=0.3)
            ax.yaxis.set_major_formatter("{x:+.1f}")
            if d == 0:
                ax.set_title(tr)
            if k == 0:
                ax.set_ylabel(dy)
            date_ticks(ax, list(sel["turn"]), list(sel["date"]))
    axes[0][0].legend(fontsize=7, loc="upper left")
    note = f"; grey: under {material:g} levels, never marked" if material else ""
    sides = summary.get("sides") or {
        "baseline": summary["baseline"],
        "counterfactual": summary["counterfactual"],
    }
    fig.suptitle(
        f"Counterfactual ({sides['counterfactual']}) minus baseline ({sides['baseline']})\n"
        f"{summary['runs']} paired runs, level points{note}",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def comparison_repr(summary: dict[str, Any]) -> str:
    """A comparison in a few lines: its sides, sizes, marks and how to see more."""
    final, sides = summary["final"], summary["sides"]
    turns = len(summary["over_time"]) // len(final) - 1
    unc = summary.get("uncertainty")
    return short_repr(
        f"Comparison: {sides['counterfactual']} against {sides['baseline']}",
        [
            f"{summary['runs']} paired runs, seed {summary['seed']}, {turns} turns, "
            f"{len(final)} dyad-tracks" + (f", {unc['points']} parameter points" if unc else ""),
            f"{sum(r['marked'] for r in final)} of {len(final)} final differences marked "
            f"(interval excludes zero and at least {summary['material']} levels)",
            ".final() or .differences() for the tables, .plot() for the chart",
        ],
    )


def comparison_html(summary: dict[str, Any], fig) -> str:
    """A comparison as HTML: its sides in words, the final differences with their marks and
    both intervals, and the chart of differences over time."""
    from sim.research.compare import legend, mark

    rows = [r | {"mark": mark(r)} for r in summary["final"]]
    cols = ["dyad", "track", "baseline", "counterfactual", "difference", "mark", "low", "high"]
    if "uncertainty" in summary:
        cols += ["param_low", "param_high"]
    sides = summary["sides"]
    return card(
        f"Comparison at {summary['over_time'][-1]['date']}: counterfactual minus baseline",
        [
            f"baseline: {sides['baseline']}; counterfactual: {sides['counterfactual']}",
            f"{summary['runs']} paired runs, seed {summary['seed']}; {legend(summary)}",
        ],
        [html_table(rows, cols, {"mark": "s"})],
        img(fig, "differences over time"),
    )


# --------------------------------------------------------------------------- sensitivity
def indices_chart(result: dict[str, Any]):
    """Bars of the Sobol indices (S1 and ST) or Morris mu* with their 95% confidence
    intervals, most important parameter on top."""
    rows = result["indices"][::-1]
    names = [r["param"] for r in rows]
    y = np.arange(len(rows))
    fig = figure(7, 0.45 * len(rows) + 1.8)
    ax = fig.subplots()
    if result["method"] == "sobol":
        h = 0.38
        for off, key, label in ((h / 2, "ST", "total (ST)"), (-h / 2, "S1", "first order (S1)")):
            vals = [r[key] or 0.0 for r in rows]
            err = [r[f"{key}_conf"] or 0.0 for r in rows]
            ax.barh(y + off, vals, height=h, xerr=err, label=label, capsize=2)
        ax.set_xlabel("Sobol index: share of the outcome's variance (bars: 95% interval)")
    else:
        ax.barh(
            y,
            [r["mu_star"] for r in rows],
            xerr=[r["mu_star_conf"] for r in rows],
            height=0.5,
            label="mu*",
            capsize=2,
        )
        ax.plot([r["sigma"] for r in rows], y, "kd", label="sigma")
        ax.set_xlabel("Morris elementary effects, level points (bars: 95% interval of mu*)")
    ax.xaxis.set_major_formatter("{x:.2f}")
    ax.set_yticks(y, names)
    ax.axvline(0, color="black", lw=0.6)
    ax.grid(alpha=0.3, axis="x")
    ax.set_title(
        f"{result['method'].capitalize()} sensitivity of {result['outcome']} at {result['date']}"
    )
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- discovery
def trajectory_chart(result: dict[str, Any]):
    """PRIM's peeling trajectory: coverage against density, coloured by the number of
    restricted parameters; the chosen box circled."""
    tr = result["prim"]["trajectory"]
    fig = figure(6.5, 4.5)
    ax = fig.subplots()
    sc = ax.scatter(tr["coverage"], tr["density"], c=tr["res_dim"], cmap="viridis", s=18)
    i = result["prim"]["chosen"]
    ax.scatter(
        [tr["coverage"][i]],
        [tr["density"][i]],
        s=160,
        facecolors="none",
        edgecolors="red",
        label=f"chosen box (#{i})",
    )
    fig.colorbar(sc, ax=ax, label="restricted parameters")
    ax.set_xlabel("coverage (share of the cases inside the box)")
    ax.set_ylabel("density (share of the box that are cases)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.yaxis.set_major_formatter("{x:.0%}")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    ax.set_title(f"PRIM peeling trajectory: {result['where']}", fontsize=10)
    fig.tight_layout()
    return fig


def box_chart(limits: list[dict[str, Any]], title: str):
    """Each restricted parameter's kept interval within its full range (normalised)."""
    fig = figure(7, 0.5 * max(len(limits), 1) + 1.4)
    ax = fig.subplots()
    for j, r in enumerate(limits):
        span = r["range high"] - r["range low"]
        lo = (r["low"] - r["range low"]) / span
        hi = (r["high"] - r["range low"]) / span
        ax.plot([0, 1], [j, j], color="lightgrey", lw=6, solid_capstyle="butt")
        ax.plot([lo, hi], [j, j], color="tab:blue", lw=6, solid_capstyle="butt")
        ax.text(1.02, j, f"{r['low']:.3g} to {r['high']:.3g}", va="center", fontsize=8)
    ax.set_yticks(range(len(limits)), [r["param"] for r in limits])
    ax.set_xlim(0, 1.35)
    ax.set_xticks([0, 0.5, 1], ["range low", "middle", "range high"])
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig

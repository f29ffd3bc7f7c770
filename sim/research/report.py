"""A self-contained HTML report of a batch or sensitivity folder (Jinja2 + matplotlib).

Sections: provenance (from manifest.json); trajectories (median and 90% band of every
dyad's track on the report's 0–5 scale, Ch1 › Methodology) when more than one turn was
recorded, else the distribution of final levels; event frequencies when events were
recorded; the response of final levels to each swept or sampled parameter (mean and 90%
band at each value, or per quantile bin of a sampled one); and for a sensitivity study what
its indices mean, with S1/ST (or Morris mu*) and their confidence intervals. A damaged
folder is refused (`sim.research.integrity.verify`); at most MAX_RUNS runs are kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.results import EventKind
from sim.errors import InputError
from sim.research.pages import image, level_axis, render, table
from sim.vocabulary import TRACKS

MAX_RUNS = 20_000


def load_levels(
    out: Path, manifest: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, list[int], list[str]]:
    """Recorded levels (kept runs, recorded turns, D, K), the kept run indices, the
    recorded turns and the dyads."""
    import pyarrow.dataset as ds

    from sim.research.tables import read_levels

    n = int(manifest["runs"])
    stride = max(1, -(-n // MAX_RUNS))
    keep = np.arange(0, n, stride)
    flt = None if stride == 1 else ds.field("run").isin(keep)
    df = read_levels(out, filters=flt)
    if df.empty:
        raise InputError(str(out), "levels.parquet", "no finished chunks to report")
    dyads = list(df["dyad"].cat.categories)
    turns = sorted(int(t) for t in df["turn"].unique())
    runs = np.unique(df["run"].to_numpy())
    lv = df["level"].to_numpy().reshape(len(runs), len(turns), len(dyads), len(TRACKS))
    return lv, runs, turns, dyads


def event_table(out: Path) -> list[dict[str, Any]]:
    """Per kind, dyad, track/enabler: events per run and share of runs with at least one."""
    import pyarrow.parquet as pq

    from sim.research.tables import EVENTS

    totals: dict[tuple, list[int]] = {}
    for part in sorted((out / EVENTS).glob("part-*.parquet")):
        t = pq.read_table(part, columns=["run", "kind", "dyad", "track", "enabler", "id"])
        if t.num_rows == 0:
            continue
        t = t.cast(_plain_schema(t.schema))
        g = t.group_by(["kind", "dyad", "track", "enabler", "id"]).aggregate(
            [("run", "count"), ("run", "count_distinct")]
        )
        for row in g.to_pylist():
            key = (row["kind"], row["dyad"], row["track"], row["enabler"], row["id"])
            acc = totals.setdefault(key, [0, 0])
            acc[0] += row["run_count"]
            acc[1] += row["run_count_distinct"]
    return [
        {"kind": k[0], "dyad": k[1], "what": k[2] or k[3] or k[4], "count": v[0], "runs": v[1]}
        for k, v in sorted(totals.items(), key=lambda kv: tuple(str(x) for x in kv[0]))
    ]


def _plain_schema(schema):
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
            for f in schema
        ]
    )


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


SOBOL_NOTE = (
    "Variance-based (Sobol) sensitivity indices of one outcome, estimated with "
    "SALib from a Saltelli sample over the parameters' plausible ranges. S1, the "
    "first-order index, is the share of the outcome's variance that the parameter "
    "explains alone; ST, the total index, adds its interactions with the others. "
    "Intervals are 95% bootstrap confidence intervals."
)
MORRIS_NOTE = (
    "Morris elementary-effects screening of one outcome over the parameters' "
    "plausible ranges: mu* is the mean absolute change of the outcome per step "
    "of the parameter (its overall influence), sigma the spread of those changes "
    "(interactions or non-linearity). Intervals are 95% bootstrap confidence "
    "intervals of mu*."
)


def sensitivity_section(out: Path, res: dict[str, Any]) -> dict[str, Any]:
    from sim.research.sensitivity import chart

    sobol = res["method"] == "sobol"
    cols = (
        ["param", "S1", "S1_conf", "ST", "ST_conf"]
        if sobol
        else ["param", "mu_star", "mu_star_conf", "mu", "sigma"]
    )
    rows = []
    for r in res["indices"]:
        row = dict(r)
        if sobol:
            for k in ("S1", "ST"):
                v, c = r.get(k), r.get(f"{k}_conf")
                row[f"{k} 95% interval"] = (
                    f"[{v - c:.3f}, {v + c:.3f}]" if v is not None and c is not None else ""
                )
        rows.append(row)
    shown = ["param", "S1", "S1 95% interval", "ST", "ST 95% interval"] if sobol else cols
    return {
        "title": f"Sensitivity ({res['method']}) of {res['outcome']} at {res['date']}",
        "note": (SOBOL_NOTE if sobol else MORRIS_NOTE) + f" {res['points']} design "
        f"points x {res['replicates']} replicates on common random numbers = "
        f"{res['runs']} runs.",
        "tables": [table(rows, shown, {c: ".3f" for c in cols[1:]})],
        "images": [image(chart(res), "sensitivity indices")],
    }


def build_report(out: Path) -> str:
    import pandas as pd

    from sim.research.integrity import check_intact, read_manifest
    from sim.research.sensitivity import RESULT
    from sim.research.tables import RUNS

    out = Path(out)
    man = read_manifest(out)
    check_intact(out)
    args = man.get("arguments", {})
    levels, runs, turns, dyads = load_levels(out, man)
    n = int(man["runs"])
    dates = [_date_label(man, t) for t in turns]
    design = man.get("design", {})
    sens = out / RESULT
    res = json.loads(sens.read_text(encoding="utf-8")) if sens.exists() else None
    name = man["scenario"]["name"]
    title = f"Sensitivity study: {res['outcome']} in {name}" if res else f"Batch report: {name}"
    sessions = man.get("timings", {}).get("sessions", [])
    prov = [
        {"item": "command", "value": args.get("command")},
        {
            "item": "scenario file",
            "value": f"{man['scenario']['file']} (sha256 {man['scenario']['sha256'][:16]}…)",
        },
        {"item": "runs", "value": f"{n} ({len(runs)} in the charts)" if len(runs) < n else str(n)},
        {"item": "seed", "value": man.get("seed")},
        {
            "item": "turns",
            "value": f"{man.get('turns')} ({_date_label(man, 0)} to "
            f"{_date_label(man, int(man.get('turns', 0)))})",
        },
        {
            "item": "recorded",
            "value": f"{man.get('record', 'all')}: {len(turns)} turn(s); "
            f"tables {', '.join(man.get('tables', ['levels']))}",
        },
        {"item": "overrides", "value": json.dumps(man.get("overrides", {}))},
        {"item": "design", "value": json.dumps(design)},
        {
            "item": "chunks",
            "value": f"{man['chunks']['count']} of up to {man['chunks']['size']} runs",
        },
        {"item": "complete", "value": str(man.get("complete"))},
        {
            "item": "versions",
            "value": ", ".join(
                f"{k} {v}" for k, v in man.get("versions", {}).items() if k != "platform"
            ),
        },
        {
            "item": "compute time",
            "value": f"{man.get('timings', {}).get('total_seconds')} s "
            f"in {len(sessions)} session(s)",
        },
    ]
    sections: list[dict[str, Any]] = [
        {"title": "Provenance", "tables": [table(prov, ["item", "value"])]}
    ]
    if res:
        sections.append(sensitivity_section(out, res))
    final = levels[:, -1]
    if len(turns) > 1:
        sections.append(
            {
                "title": "Trajectories",
                "note": "Median (line) and 5th–95th "
                "percentile band across runs, per dyad and track, on the 0–5 scale.",
                "images": [image(trajectory_chart(levels, dyads, dates), "trajectories")],
            }
        )
    else:
        sections.append(
            {
                "title": "Final levels",
                "note": f"Distribution across runs at "
                f"{dates[-1]} (box: quartiles; whiskers: 5th–95th percentile).",
                "images": [image(final_chart(final, dyads), "final levels")],
            }
        )
    q = np.quantile(final, [0.05, 0.5, 0.95], axis=0)
    rows = [
        {
            "dyad": dy,
            "track": tr,
            "mean": float(final[:, d, k].mean()),
            "p5": float(q[0, d, k]),
            "median": float(q[1, d, k]),
            "p95": float(q[2, d, k]),
        }
        for d, dy in enumerate(dyads)
        for k, tr in enumerate(TRACKS)
    ]
    sections.append(
        {
            "title": f"Final turn ({dates[-1]})",
            "level": 3,
            "tables": [
                table(
                    rows,
                    ["dyad", "track", "mean", "p5", "median", "p95"],
                    {c: ".3f" for c in ("mean", "p5", "median", "p95")},
                )
            ],
        }
    )
    if "events" in man.get("tables", ["events"]):
        ev = event_table(out)
        denom = max(n, 1)
        for r in ev:
            r["per run"] = r["count"] / denom
            r["share of runs"] = r["runs"] / denom
        cols = ["kind", "dyad", "what", "count", "per run", "share of runs"]
        sections.append(
            {
                "title": "Events",
                "note": "Events per run and share of runs with "
                "at least one, by kind, dyad and track, agreement or shock.",
                "tables": [
                    table(
                        [r for r in ev if r["kind"] != EventKind.ACTIVITY],
                        cols,
                        {"per run": ".3f", "share of runs": ".1%"},
                    ),
                    table(
                        [r for r in ev if r["kind"] == EventKind.ACTIVITY],
                        cols,
                        {"per run": ".2f", "share of runs": ".1%"},
                    ),
                ],
            }
        )
    if design.get("params") and not res:
        rp = pd.read_parquet(out / RUNS)
        vals = {p: rp[p].to_numpy()[runs] for p in design["params"]}
        sections.append(
            {
                "title": f"Response to the {design['kind']} parameters",
                "note": "Final level against each parameter: mean (line) and 5th–95th "
                "percentile band (shaded) at each swept value"
                + (
                    ", or per quantile bin of a sampled one; the other parameters vary "
                    "across their ranges within each bin."
                    if design["kind"] != "sweep" or len(vals) > 1
                    else "."
                ),
                "images": [image(response_chart(final, dyads, vals), "response")],
            }
        )
    return render(
        "report.html.j2",
        title=title,
        intro=None,
        sections=sections,
        footer=f"{len(man.get('checksums', {}).get('chunks', {}))} of "
        f"{man['chunks']['count']} chunks finished.",
    )


def _date_label(man: dict[str, Any], t: int) -> str:
    dates = man.get("dates") or []
    return dates[t] if t < len(dates) else f"turn {t}"


def write_report(out_dir: Path, out: Path) -> None:
    """Write the report of the batch folder `out_dir` to `out` (.html), atomically."""
    from sim.files import atomic_write

    out_dir, out = Path(out_dir), Path(out)
    if not out_dir.is_dir():
        raise InputError(str(out_dir), "", "is not a batch directory")
    if out.parent and not out.parent.exists():
        raise InputError("--out", str(out), f"folder {out.parent} does not exist")
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError("--out", str(out), "must end in .html")
    text = build_report(out_dir)
    atomic_write(out, text.encode("utf-8"))

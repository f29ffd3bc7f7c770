"""A self-contained HTML report of a batch or sensitivity folder (Jinja2 + matplotlib).

Sections: provenance (from manifest.json); trajectories (median and 90% band of every
dyad's track on the report's 0–5 scale, Ch1 › Methodology) when more than one turn was
recorded, else the distribution of final levels; event frequencies when events were
recorded; the response of final levels to each swept or sampled parameter (mean and 90%
band at each value, or per quantile bin of a sampled one); and for a sensitivity study what
its indices mean, with S1/ST (or Morris mu*) and their confidence intervals. A damaged
folder is refused (`sim.research.integrity.verify`); at most MAX_RUNS runs are kept. One
function per section below; the charts are drawn in sim/research/report_charts.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.results import EventKind
from sim.errors import InputError
from sim.research.pages import image, render, table
from sim.research.report_charts import final_chart, response_chart, trajectory_chart
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
    """What the study's indices mean, their table with 95% intervals and their chart."""
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
    """The HTML page of the batch or sensitivity folder `out` (a damaged one is refused)."""
    from sim.research.integrity import check_intact, read_manifest
    from sim.research.sensitivity import RESULT

    out = Path(out)
    man = read_manifest(out)
    check_intact(out)
    levels, runs, turns, dyads = load_levels(out, man)
    n = int(man["runs"])
    dates = [_date_label(man, t) for t in turns]
    design = man.get("design", {})
    sens = out / RESULT
    res = json.loads(sens.read_text(encoding="utf-8")) if sens.exists() else None
    name = man["scenario"]["name"]
    title = f"Sensitivity study: {res['outcome']} in {name}" if res else f"Batch report: {name}"
    sections: list[dict[str, Any]] = [
        {
            "title": "Provenance",
            "tables": [table(provenance(man, len(runs), len(turns)), ["item", "value"])],
        }
    ]
    if res:
        sections.append(sensitivity_section(out, res))
    final = levels[:, -1]
    sections.append(levels_section(levels, dyads, dates))
    sections.append(final_turn_section(final, dyads, dates[-1]))
    if "events" in man.get("tables", ["events"]):
        sections.append(events_section(out, n))
    if design.get("params") and not res:
        sections.append(response_section(out, design, runs, final, dyads))
    return render(
        "report.html.j2",
        title=title,
        intro=None,
        sections=sections,
        footer=f"{len(man.get('checksums', {}).get('chunks', {}))} of "
        f"{man['chunks']['count']} chunks finished.",
    )


def provenance(man: dict[str, Any], charted: int, recorded: int) -> list[dict[str, Any]]:
    """The Provenance table's rows (item, value) from the manifest `man`: `charted` runs
    of its runs are in the charts, `recorded` turns were recorded."""
    args = man.get("arguments", {})
    n = int(man["runs"])
    timings = man.get("timings", {})
    sessions = timings.get("sessions", [])
    versions = (f"{k} {v}" for k, v in man.get("versions", {}).items() if k != "platform")
    scenario = man["scenario"]
    rows = {
        "command": args.get("command"),
        "scenario file": f"{scenario['file']} (sha256 {scenario['sha256'][:16]}…)",
        "runs": f"{n} ({charted} in the charts)" if charted < n else str(n),
        "seed": man.get("seed"),
        "turns": f"{man.get('turns')} ({_date_label(man, 0)} to "
        f"{_date_label(man, int(man.get('turns', 0)))})",
        "recorded": f"{man.get('record', 'all')}: {recorded} turn(s); "
        f"tables {', '.join(man.get('tables', ['levels']))}",
        "overrides": json.dumps(man.get("overrides", {})),
        "design": json.dumps(man.get("design", {})),
        "chunks": f"{man['chunks']['count']} of up to {man['chunks']['size']} runs",
        "complete": str(man.get("complete")),
        "versions": ", ".join(versions),
        "compute time": f"{timings.get('total_seconds')} s in {len(sessions)} session(s)",
    }
    return [{"item": k, "value": v} for k, v in rows.items()]


def levels_section(levels: np.ndarray, dyads: list[str], dates: list[str]) -> dict[str, Any]:
    """Trajectories when more than one turn was recorded, else the final levels' spread."""
    if len(dates) > 1:
        return {
            "title": "Trajectories",
            "note": "Median (line) and 5th–95th "
            "percentile band across runs, per dyad and track, on the 0–5 scale.",
            "images": [image(trajectory_chart(levels, dyads, dates), "trajectories")],
        }
    return {
        "title": "Final levels",
        "note": f"Distribution across runs at "
        f"{dates[-1]} (box: quartiles; whiskers: 5th–95th percentile).",
        "images": [image(final_chart(levels[:, -1], dyads), "final levels")],
    }


def final_turn_section(final: np.ndarray, dyads: list[str], date: str) -> dict[str, Any]:
    """Mean, median and 90% band of each dyad's final level on each track."""
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
    stats = ("mean", "p5", "median", "p95")
    return {
        "title": f"Final turn ({date})",
        "level": 3,
        "tables": [table(rows, ["dyad", "track", *stats], {c: ".3f" for c in stats})],
    }


def events_section(out: Path, n: int) -> dict[str, Any]:
    """Events per run and the share of the `n` runs with one: agreements, levels and shocks
    in one table, the tracks' activity in another."""
    ev = event_table(out)
    denom = max(n, 1)
    for r in ev:
        r["per run"] = r["count"] / denom
        r["share of runs"] = r["runs"] / denom
    cols = ["kind", "dyad", "what", "count", "per run", "share of runs"]
    return {
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


def response_section(
    out: Path, design: dict[str, Any], runs: np.ndarray, final: np.ndarray, dyads: list[str]
) -> dict[str, Any]:
    """Final levels against each swept or sampled parameter of the design (its values for
    the charted `runs` read from runs.parquet)."""
    import pandas as pd

    from sim.research.tables import RUNS

    rp = pd.read_parquet(out / RUNS)
    vals = {p: rp[p].to_numpy()[runs] for p in design["params"]}
    return {
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


def _date_label(man: dict[str, Any], t: int) -> str:
    """Turn `t`'s quarter as the manifest dates it, else 'turn t'."""
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

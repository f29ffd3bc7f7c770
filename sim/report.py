"""A self-contained HTML report of a batch directory (charts embedded as base64 PNG).

Sections: provenance (from manifest.json), trajectories (median and 90% band of every
dyad's track on the report's 0–5 scale, Ch1 › Methodology), event frequencies (activities
per run, share of runs opening negotiations on or signing each agreement), the response of
final levels to swept or sampled parameters, and sensitivity indices when the directory
holds a sensitivity study. The report reads the chunk parts one at a time and keeps at most
MAX_RUNS runs (an even stride over run indices) for the bands, so it stays small for
100,000-run batches.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError
from .ids import ENABLERS, TRACKS

MAX_RUNS = 20_000


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def load_levels(out: Path, manifest: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, list[str],
                                                              int]:
    """(kept runs, T+1, D, K) levels, their run indices, the dyads and the number of runs
    in finished chunks, read part by part."""
    import pyarrow.parquet as pq

    from .batch import LEVELS

    n = int(manifest["runs"])
    stride = max(1, -(-n // MAX_RUNS))
    T1 = int(manifest["turns"]) + 1
    arrays, runs = [], []
    seen = 0
    dyads: list[str] | None = None
    for part in sorted((out / LEVELS).glob("part-*.parquet")):
        t = pq.read_table(part)
        if dyads is None:
            dyads = list(t.column("dyad").chunk(0).dictionary.to_pylist())
        run = t.column("run").to_numpy()
        lv = t.column("level").to_numpy().reshape(-1, T1, len(dyads), len(TRACKS))
        r = run[:: T1 * len(dyads) * len(TRACKS)]
        seen += len(r)
        keep = r % stride == 0
        arrays.append(lv[keep])
        runs.append(r[keep])
    if not arrays:
        raise InputError(str(out), "levels.parquet", "no finished chunks to report")
    run_idx = np.concatenate(runs)
    order = np.argsort(run_idx, kind="stable")
    return np.concatenate(arrays)[order], run_idx[order], dyads or [], seen


def event_table(out: Path) -> list[dict[str, Any]]:
    """Per kind, dyad, track/enabler: events per run and share of runs with at least one."""
    import pyarrow.parquet as pq

    from .batch import EVENTS

    totals: dict[tuple, list[int]] = {}
    for part in sorted((out / EVENTS).glob("part-*.parquet")):
        t = pq.read_table(part, columns=["run", "kind", "dyad", "track", "enabler", "id"])
        if t.num_rows == 0:
            continue
        t = t.cast(_plain_schema(t.schema))
        g = t.group_by(["kind", "dyad", "track", "enabler", "id"]).aggregate(
            [("run", "count"), ("run", "count_distinct")])
        for row in g.to_pylist():
            key = (row["kind"], row["dyad"], row["track"], row["enabler"], row["id"])
            acc = totals.setdefault(key, [0, 0])
            acc[0] += row["run_count"]
            acc[1] += row["run_count_distinct"]
    return [{"kind": k[0], "dyad": k[1], "what": k[2] or k[3] or k[4], "count": v[0],
             "runs": v[1]} for k, v in sorted(totals.items(), key=lambda kv: tuple(
                 str(x) for x in kv[0]))]


def _plain_schema(schema):
    import pyarrow as pa

    return pa.schema([pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
                      for f in schema])


def trajectory_chart(levels: np.ndarray, dyads: list[str], dates: list[str]) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    T1 = levels.shape[1]
    x = np.arange(T1)
    q = np.quantile(levels, [0.05, 0.5, 0.95], axis=0)  # (3, T1, D, K)
    fig, axes = plt.subplots(len(dyads), len(TRACKS), figsize=(11, 2.1 * len(dyads) + 0.6),
                             sharex=True, sharey=True, squeeze=False)
    ticks = x[:: max(1, T1 // 5)]
    for d, dy in enumerate(dyads):
        for k, tr in enumerate(TRACKS):
            ax = axes[d][k]
            ax.fill_between(x, q[0, :, d, k], q[2, :, d, k], alpha=0.3, color="tab:blue",
                            label="90% band")
            ax.plot(x, q[1, :, d, k], color="tab:blue", label="median")
            ax.set_ylim(0, 5)
            ax.grid(alpha=0.3)
            if d == 0:
                ax.set_title(tr)
            if k == 0:
                ax.set_ylabel(dy)
            ax.set_xticks(ticks, [dates[i] for i in ticks], fontsize=7)
    axes[0][0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return _png(fig)


def response_chart(levels: np.ndarray, runs: np.ndarray, dyads: list[str],
                   params: dict[str, np.ndarray]) -> str:
    """Mean final level against each swept or sampled parameter (binned when continuous)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    final = levels[:, -1]  # (R, D, K)
    names = list(params)
    fig, axes = plt.subplots(len(names), len(TRACKS), figsize=(11, 2.4 * len(names) + 0.6),
                             sharey=True, squeeze=False)
    for i, name in enumerate(names):
        v = params[name][runs]
        uniq = np.unique(v)
        if len(uniq) <= 12:
            centers, bins = uniq, np.searchsorted(uniq, v)
        else:
            edges = np.quantile(v, np.linspace(0, 1, 9))
            bins = np.clip(np.searchsorted(edges, v, side="right") - 1, 0, 7)
            centers = np.array([v[bins == b].mean() if (bins == b).any() else np.nan
                                for b in range(8)])
        for k, tr in enumerate(TRACKS):
            ax = axes[i][k]
            for d, dy in enumerate(dyads):
                means = [final[bins == b, d, k].mean() if (bins == b).any() else np.nan
                         for b in range(len(centers))]
                ax.plot(centers, means, marker="o", ms=3, label=dy)
            ax.set_xlabel(name, fontsize=8)
            ax.set_ylim(0, 5)
            ax.grid(alpha=0.3)
            if i == 0:
                ax.set_title(f"final {tr}")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)


def _table(rows: list[dict[str, Any]], cols: list[str], fmt: dict[str, str] | None = None) -> str:
    fmt = fmt or {}
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = []
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c)
            text = "" if v is None else (format(v, fmt[c]) if c in fmt else str(v))
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f0f0f0}
img{max-width:100%}h2{border-bottom:1px solid #ddd;margin-top:2em}.note{color:#555}"""


def build_report(out: Path) -> str:
    import pandas as pd

    from .batch import RUNS, read_manifest
    from .sensitivity import RESULT

    out = Path(out)
    man = read_manifest(out)
    args = man.get("arguments", {})
    levels, runs, dyads, seen = load_levels(out, man)
    n = int(man["runs"])
    dates = [_date_label(man, t) for t in range(levels.shape[1])]
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Wargame batch: "
             f"{html.escape(man['scenario']['name'])}</title><style>{CSS}</style></head><body>",
             f"<h1>Batch report: {html.escape(man['scenario']['name'])}</h1>"]
    design = man.get("design", {})
    prov = [
        {"item": "command", "value": args.get("command")},
        {"item": "scenario file", "value": f"{man['scenario']['file']} (sha256 "
                                           f"{man['scenario']['sha256'][:16]}…)"},
        {"item": "runs", "value": f"{n} ({seen} finished, {len(runs)} in the bands)"
                                  if len(runs) < n else str(n)},
        {"item": "seed", "value": man.get("seed")},
        {"item": "turns", "value": f"{man.get('turns')} ({dates[0]} to {dates[-1]})"},
        {"item": "overrides", "value": json.dumps(man.get("overrides", {}))},
        {"item": "design", "value": json.dumps(design)},
        {"item": "chunks", "value": f"{man['chunks']['count']} of up to {man['chunks']['size']} runs"},
        {"item": "complete", "value": man.get("complete")},
        {"item": "versions", "value": ", ".join(f"{k} {v}" for k, v in
                                                man.get("versions", {}).items()
                                                if k != "platform")},
        {"item": "compute time", "value": f"{man.get('timings', {}).get('total_seconds')} s"},
    ]
    parts += ["<h2>Provenance</h2>", _table(prov, ["item", "value"])]
    parts += ["<h2>Trajectories</h2>", "<p class='note'>Median (line) and 5th–95th percentile "
              "band across runs, per dyad and track, on the 0–5 scale.</p>",
              trajectory_chart(levels, dyads, dates)]
    q = np.quantile(levels[:, -1], [0.05, 0.5, 0.95], axis=0)
    finals = [{"dyad": dy, "track": tr, "start": float(levels[0, 0, d, k]),
               "mean": float(levels[:, -1, d, k].mean()), "p5": float(q[0, d, k]),
               "median": float(q[1, d, k]), "p95": float(q[2, d, k])}
              for d, dy in enumerate(dyads) for k, tr in enumerate(TRACKS)]
    f3 = {c: ".3f" for c in ("start", "mean", "p5", "median", "p95")}
    parts += [f"<h3>Final turn ({html.escape(dates[-1])})</h3>",
              _table(finals, ["dyad", "track", "start", "mean", "p5", "median", "p95"], f3)]
    ev = event_table(out)
    done = int(sum(1 for _ in (out / "levels.parquet").glob("part-*.parquet")))
    denom = max(seen, 1)
    for r in ev:
        r["per run"] = r["count"] / denom
        r["share of runs"] = r["runs"] / denom
    parts += ["<h2>Events</h2>", "<p class='note'>Events per run and share of runs with at least "
              "one, by kind, dyad and track, agreement or shock.</p>",
              _table([r for r in ev if r["kind"] != "activity"],
                     ["kind", "dyad", "what", "count", "per run", "share of runs"],
                     {"per run": ".3f", "share of runs": ".1%"}),
              _table([r for r in ev if r["kind"] == "activity"],
                     ["kind", "dyad", "what", "count", "per run", "share of runs"],
                     {"per run": ".2f", "share of runs": ".1%"})]
    if design.get("params"):
        rp = pd.read_parquet(out / RUNS)
        vals = {p: rp[p].to_numpy() for p in design["params"]}
        parts += [f"<h2>Response to the {html.escape(design['kind'])} parameters</h2>",
                  "<p class='note'>Mean final level against each parameter (binned by "
                  "quantile when it takes many values).</p>",
                  response_chart(levels, runs, dyads, vals)]
    sens = out / RESULT
    if sens.exists():
        res = json.loads(sens.read_text(encoding="utf-8"))
        cols = (["param", "S1", "S1_conf", "ST", "ST_conf"] if res["method"] == "sobol"
                else ["param", "mu_star", "mu_star_conf", "mu", "sigma"])
        img = (out / "sensitivity.png").read_bytes() if (out / "sensitivity.png").exists() else b""
        parts += [f"<h2>Sensitivity ({html.escape(res['method'])}) of "
                  f"{html.escape(res['outcome'])} at {html.escape(res['date'])}</h2>",
                  _table(res["indices"], cols, {c: ".3f" for c in cols[1:]}),
                  f'<img alt="sensitivity" src="data:image/png;base64,'
                  f'{base64.b64encode(img).decode()}">' if img else ""]
    parts.append(f"<p class='note'>{done} of {man['chunks']['count']} chunks finished. "
                 f"Enablers: {', '.join(ENABLERS)}.</p></body></html>")
    return "\n".join(parts)


def _date_label(man: dict[str, Any], t: int) -> str:
    dates = man.get("dates") or []
    return dates[t] if t < len(dates) else f"turn {t}"


def write_report(out_dir: Path, out: Path) -> None:
    from .batch import atomic_write

    out_dir, out = Path(out_dir), Path(out)
    if not out_dir.is_dir():
        raise InputError(str(out_dir), "", "is not a batch directory")
    if out.parent and not out.parent.exists():
        raise InputError("--out", str(out), f"folder {out.parent} does not exist")
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError("--out", str(out), "must end in .html")
    text = build_report(out_dir)
    atomic_write(out, text.encode("utf-8"))

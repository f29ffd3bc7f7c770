"""Scenario discovery: which combinations of assumptions lead to an outcome of interest?

`wargame discover baseline --where "JPN-DEU.exercise < 1.5" --runs 2000 --out DIR`
samples the uncertainties (by default one parameter set per run drawn from the shipped
posterior, config/posterior.parquet, fitted to the record by `wargame calibrate
--posterior`; with `--prior` a Latin hypercube over the config's plausible ranges, each
resting on the report, Ch2–Ch6 › Motivations and Divergences) as a batch that records only
final levels, marks the runs where the condition holds at the final turn, and finds the
regions of the parameter space where those runs concentrate:

- **PRIM** (EMA Workbench's `prim.Prim`): boxes peeled from the whole space; the peeling
  trajectory trades coverage (share of the cases of interest inside the box) against
  density (share of runs inside the box that are cases of interest). The box shown is the
  one with the highest coverage among those that restrict at least one parameter and have
  density at least `DENSITY` (else the densest such box), without the restrictions whose
  quasi-p value exceeds `QP` (not significant);
- **CART** (EMA Workbench's `cart.CART`, a scikit-learn decision tree): the leaves where
  cases of interest are the majority, as an alternative set of boxes.

Writes discovery.json and discovery.html (peeling trajectory, box limits) into the folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.inputs.outcomes import Outcome
from sim.research.extras import require
from sim.vocabulary import SCALE

DENSITY = 0.8
QP = 0.05
OPS = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
_COND = re.compile(
    r"^\s*([A-Za-z]+-[A-Za-z]+)\.([a-z]+)\s*(<=|>=|<|>)\s*"
    r"([-+]?(?:\d+\.?\d*|\.\d+))\s*$"
)


@dataclass(frozen=True)
class Condition:
    """'DYAD.track OP value' at the final turn, e.g. JPN-DEU.exercise < 1.5."""

    outcome: Outcome
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.outcome} {self.op} {self.value:g}"

    def holds(self, final: Any) -> np.ndarray:
        return OPS[self.op](final[str(self.outcome)].to_numpy(), self.value)


def parse_where(text: str, dyads: tuple[str, ...]) -> list[Condition]:
    """Conditions joined by 'and', each 'DYAD.track OP NUMBER' (OP: <, <=, >, >=)."""
    out = []
    for part in re.split(r"\s+and\s+", text.strip()):
        m = _COND.match(part)
        if not m:
            raise InputError(
                "--where",
                text,
                "write DYAD.track OP NUMBER (OP one of <, <=, "
                ">, >=), conditions joined by 'and', e.g. \"JPN-DEU.exercise "
                '< 1.5"',
            )
        dyad, track, op, value = m.groups()
        outcome = Outcome.parse(f"{dyad}.{track}", dyads, "--where", text)
        v = float(value)
        if not 0.0 <= v <= SCALE:
            raise InputError("--where", text, f"{v:g} is off the 0–5 scale")
        out.append(Condition(outcome, op, v))
    return out


def _box_rows(lims, initial, names) -> list[dict[str, Any]]:
    """Restricted parameters of a box: name, low, high and the share of the range kept."""
    rows = []
    for p in names:
        lo, hi = float(lims[p].iloc[0]), float(lims[p].iloc[1])
        lo0, hi0 = float(initial[p].iloc[0]), float(initial[p].iloc[1])
        if lo > lo0 + 1e-12 or hi < hi0 - 1e-12:
            rows.append(
                {
                    "param": p,
                    "low": lo,
                    "high": hi,
                    "range low": lo0,
                    "range high": hi0,
                    "kept": (hi - lo) / (hi0 - lo0),
                }
            )
    return sorted(rows, key=lambda r: r["kept"])


def prim_box(x, y: np.ndarray, density: float = DENSITY) -> dict[str, Any]:
    """PRIM's peeling trajectory and the chosen box (EMA Workbench)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        box = prim.Prim(x, y).find_box()
    traj = box.peeling_trajectory
    restricted = traj[traj["res_dim"] > 0]
    ok = restricted[restricted["density"] >= density]
    if len(ok):
        i = int(ok["coverage"].idxmax())
    else:
        i = int((restricted if len(restricted) else traj)["density"].idxmax())
    box.select(i)
    # drop restrictions that are not significant (quasi-p above QP, Bryant and Lempert
    # 2010): peeling also trims parameters that barely matter
    qp = box.p_values[i]
    weak = [
        d
        for d, v in qp.items()  # -1 marks a side left unrestricted
        if min((q for q in v if q >= 0), default=0.0) > QP
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for d in weak:
            box.drop_restriction(d)
    traj = box.peeling_trajectory
    j = len(traj) - 1 if weak else i
    row = traj.loc[j]
    return {
        "trajectory": traj[["coverage", "density", "mass", "res_dim"]]
        .iloc[: len(box.peeling_trajectory) - len(weak)]
        .to_dict("list"),
        "chosen": i,
        "coverage": float(row["coverage"]),
        "density": float(row["density"]),
        "mass": float(row["mass"]),
        "n": int(row["n"]),
        "dropped": weak,
        "limits": _box_rows(box.box_lims[j], box.box_lims[0], list(x.columns)),
    }


def cart_boxes(x, y: np.ndarray, mass_min: float = 0.05) -> list[dict[str, Any]]:
    """Leaves of a classification tree (EMA Workbench's CART) where the cases of interest
    are the majority, by coverage."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import cart

        tree = cart.CART(x, y, mass_min=mass_min)
        tree.build_tree()
    initial = x.agg(["min", "max"]).reset_index(drop=True)
    out = []
    for lims, st in zip(tree.boxes, tree.stats, strict=True):
        if float(st["density"]) >= 0.5:
            out.append(
                {
                    "coverage": float(st["coverage"]),
                    "density": float(st["density"]),
                    "mass": float(st["mass"]),
                    "limits": _box_rows(lims.reset_index(drop=True), initial, list(x.columns)),
                }
            )
    return sorted(out, key=lambda b: -b["coverage"])


def discover(
    scenario: str,
    where: str,
    runs: int,
    out: Path,
    seed: int = 0,
    params: list[str] | None = None,
    overrides: list[str] | None = None,
    turns: int | None = None,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress=None,
    density: float = DENSITY,
    prior: bool = False,
) -> DiscoveryResult:
    """Run the sample as a batch in `out` (resumable) and find the boxes.

    The runs' parameter sets are draws of the shipped posterior (config/posterior.parquet,
    every key it holds; the boxes are sought over `params`, by default the actor
    parameters), or with `prior` (or without a posterior fitted to this model, with a note
    why) a Latin hypercube of the config's plausible ranges of `params`."""
    from sim.inputs.setup import build
    from sim.research.batch import run_batch
    from sim.research.design import uncertainty_ranges
    from sim.research.folder import Results
    from sim.research.request import DEFAULT_CHUNK, BatchRequest

    # PRIM and CART come from the research extra: missing, say so before any run
    require("research", "ema_workbench", "sklearn", what="scenario discovery (PRIM, CART)")

    setup = build(scenario, overrides or [], turns)
    conds = parse_where(where, setup.dyads)
    if not 0 < density <= 1:
        raise InputError("--density", str(density), "allowed: above 0, up to 1")
    keys = list(uncertainty_ranges(setup, params))
    design, extra, note = "lhs", {}, ""
    if not prior:
        from sim.research.posterior_file import file_digest, load_shipped

        post, note = load_shipped()
        if post is not None:
            design, extra = "posterior", {"posterior_sha256": file_digest()}
            keys = [k for k in keys if k in post.keys and k not in setup.overrides]
    req = BatchRequest(
        scenario=scenario,
        runs=runs,
        out=Path(out),
        seed=seed,
        overrides=list(overrides or []),
        sample=design,
        params=keys,
        turns=turns,
        chunk_size=DEFAULT_CHUNK if chunk_size is None else chunk_size,
        command="discover",
        record="final",
        tables=("levels",),
        extra=extra,
    )
    run_batch(req, engine, workers, scheduler, progress)
    res = Results(out)
    final = res.final_levels()
    x = res.params().set_index("run").loc[final.index, keys].reset_index(drop=True)
    y = np.logical_and.reduce([c.holds(final) for c in conds])
    result = {
        "scenario": setup.name,
        "where": " and ".join(str(c) for c in conds),
        "turn": setup.turns,
        "date": setup.date(setup.turns),
        "runs": int(len(y)),
        "cases": int(y.sum()),
        "share": float(y.mean()),
        "params": keys,
        "density_threshold": density,
        "seed": seed,
        "sampled": "posterior" if design == "posterior" else "ranges",
    }
    if note:
        result["note"] = note
    if 0 < y.sum() < len(y):
        result["prim"] = prim_box(x, y, density)
        result["cart"] = cart_boxes(x, y)
    write_results(Path(out), result)
    return DiscoveryResult(result)


class DiscoveryResult(dict):
    """A scenario discovery: the discovery.json document (a dict) that shows itself.

    `box()` is PRIM's chosen box (restricted parameters, kept interval), `plot()` draws it,
    and a notebook shows both (`_repr_html_`). `DiscoveryResult.read(out)` reopens one."""

    @classmethod
    def read(cls, out: Path | str) -> DiscoveryResult:
        """The discovery written in the folder `out` (its discovery.json)."""
        path = Path(out) / "discovery.json"
        if not path.is_file():
            raise InputError(
                str(out), "discovery.json", "no discovery here; run `wargame discover` first"
            )
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def box(self):
        """PRIM's box as a DataFrame: each restricted parameter, its kept low and high, its
        plausible range and the share of it kept (empty when there is nothing to separate)."""
        import pandas as pd

        cols = ["param", "low", "high", "range low", "range high", "kept"]
        return pd.DataFrame(self.get("prim", {}).get("limits", []), columns=cols)

    def plot(self):
        """PRIM's box: each restricted parameter's kept interval within its plausible range
        (a matplotlib Figure)."""
        from sim.research.display import box_chart

        p = self.get("prim")
        if p is None:
            return box_chart([], f"{self['where']}: no box (the condition holds in all or none)")
        return box_chart(
            p["limits"],
            f"PRIM box #{p['chosen']}: coverage {p['coverage']:.0%}, density {p['density']:.0%}",
        )

    def _lines(self) -> list[str]:
        out = [
            f"{self['cases']} of {self['runs']} runs ({self['share']:.1%}) end with "
            f"{self['where']} at {self['date']}; {len(self['params'])} parameters sampled"
        ]
        p = self.get("prim")
        if p is not None:
            out.append(
                f"PRIM box: {len(p['limits'])} restricted parameters, coverage "
                f"{p['coverage']:.1%}, density {p['density']:.1%}"
            )
        return out

    def __repr__(self) -> str:
        from sim.research.display import short_repr

        return short_repr(
            f"DiscoveryResult: {self['where']} in {self['scenario']}",
            [*self._lines(), ".box() for the restricted parameters, .plot() to draw the box"],
        )

    def _repr_html_(self) -> str:
        from sim.research.display import card, html_table, img

        fmt = {"low": ".3f", "high": ".3f", "range low": ".3f", "range high": ".3f", "kept": ".0%"}
        rows = self.get("prim", {}).get("limits", [])
        tables = [html_table(rows, ["param", *fmt], fmt)] if rows else []
        return card(
            f"Scenario discovery in {self['scenario']}",
            self._lines(),
            tables,
            img(self.plot(), "discovery box"),
        )


def write_results(out: Path, result: dict[str, Any]) -> None:
    from sim.files import atomic_write
    from sim.research.display import box_chart, trajectory_chart
    from sim.research.pages import image, render, table

    atomic_write(out / "discovery.json", (json.dumps(result, indent=1) + "\n").encode())
    sections: list[dict[str, Any]] = [
        {
            "title": "The question",
            "note": f"{result['cases']} of {result['runs']} runs ({result['share']:.1%}) end with "
            f"{result['where']} at {result['date']}, sampling {len(result['params'])} "
            "parameters by Latin hypercube over their plausible ranges (config/).",
        }
    ]
    cols = ["param", "low", "high", "range low", "range high", "kept"]
    fmt = {"low": ".3f", "high": ".3f", "range low": ".3f", "range high": ".3f", "kept": ".0%"}
    if "prim" in result:
        p = result["prim"]
        sections += [
            {
                "title": "PRIM",
                "note": "Patient rule induction: boxes peeled step by step from "
                "the whole parameter space, each step trading coverage for density. "
                f"Chosen box #{p['chosen']}"
                + (
                    f" without {len(p['dropped'])} restrictions that are not significant "
                    f"(quasi-p > {QP})"
                    if p["dropped"]
                    else ""
                )
                + f": coverage {p['coverage']:.1%}, density "
                f"{p['density']:.1%}, {p['n']} runs ({p['mass']:.1%} of all), "
                f"{len(p['limits'])} restricted parameters.",
                "images": [
                    image(trajectory_chart(result), "peeling trajectory"),
                    image(box_chart(p["limits"], f"PRIM box #{p['chosen']}"), "PRIM box limits"),
                ],
                "tables": [table(p["limits"], cols, fmt)],
            }
        ]
        for n, b in enumerate(result["cart"][:3], start=1):
            sections.append(
                {
                    "title": f"CART leaf {n}",
                    "level": 3,
                    "note": f"coverage {b['coverage']:.1%}, density {b['density']:.1%}, "
                    f"mass {b['mass']:.1%}",
                    "images": [image(box_chart(b["limits"], f"CART leaf {n}"), "CART box")],
                    "tables": [table(b["limits"], cols, fmt)],
                }
            )
        if not result["cart"]:
            sections.append(
                {
                    "title": "CART",
                    "note": "No leaf of the tree has a majority of cases of interest.",
                }
            )
    else:
        sections.append(
            {
                "title": "No boxes",
                "note": "The condition holds in every run or "
                "in none: there is nothing to separate.",
            }
        )
    html = render(
        "report.html.j2",
        title=f"Scenario discovery: {result['where']} in {result['scenario']}",
        intro=None,
        sections=sections,
        footer=None,
    )
    atomic_write(out / "discovery.html", html.encode("utf-8"))

"""Global sensitivity of one outcome to named parameters (Sobol indices or Morris screening).

The study is a batch (sim/research/batch.py) whose design is a SALib Sobol or Morris sample over the
parameters' plausible ranges (config/actors.yaml, each range resting on the report's account
of that motivation or constraint, Ch2–Ch6 › Motivations and Divergences); the outcome is
the final-turn level of one dyad's track (only final levels are recorded). Indices are
written as CSV and JSON with a chart (PNG and SVG) next to the batch outputs, so
`wargame report` can show them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import InputError, allowed, did_you_mean
from sim.inputs.outcomes import Outcome

METHODS = ("sobol", "morris")
RESULT = "sensitivity.json"


def outcome_values(out: Path, outcome: Outcome, turn: int) -> np.ndarray:
    """Level of `outcome` at `turn` for every run, ordered by run."""
    from sim.research.tables import read_levels

    df = read_levels(out, filters=[("turn", "==", turn)])
    df = df[(df["dyad"].astype(str) == outcome.dyad) & (df["track"].astype(str) == outcome.track)]
    return df.sort_values("run")["level"].to_numpy()


def analyze(method: str, design, y: np.ndarray, seed: int) -> list[dict[str, Any]]:
    """SALib indices per parameter, sorted by importance (ST or mu*)."""
    import warnings

    from sim.research.design import _salib_seed

    problem = design.problem()
    sseed = _salib_seed(seed + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sobol":
            from SALib.analyze import sobol

            si = sobol.analyze(
                problem,
                y,
                calc_second_order=False,
                conf_level=0.95,
                print_to_console=False,
                seed=sseed,
            )
            rows = [
                {
                    "param": p,
                    "S1": float(si["S1"][i]),
                    "S1_conf": float(si["S1_conf"][i]),
                    "ST": float(si["ST"][i]),
                    "ST_conf": float(si["ST_conf"][i]),
                }
                for i, p in enumerate(problem["names"])
            ]
            key = "ST"
        else:
            from SALib.analyze import morris

            reps = max(design.replicates, 1)
            x = np.column_stack([design.values[p][::reps] for p in problem["names"]])
            si = morris.analyze(
                problem,
                x,
                y,
                num_levels=design.extra["num_levels"],
                conf_level=0.95,
                print_to_console=False,
                seed=sseed,
            )
            rows = [
                {
                    "param": p,
                    "mu": float(si["mu"][i]),
                    "mu_star": float(si["mu_star"][i]),
                    "mu_star_conf": float(si["mu_star_conf"][i]),
                    "sigma": float(si["sigma"][i]),
                }
                for i, p in enumerate(problem["names"])
            ]
            key = "mu_star"
    clean = [
        {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
        for r in rows
    ]
    return sorted(clean, key=lambda r: -(r[key] or 0.0))


def write_results(out: Path, result: dict[str, Any]) -> None:
    """sensitivity.json, sensitivity.csv and the chart (sensitivity.png and .svg)."""
    import pandas as pd

    from sim.files import atomic_write
    from sim.research.pages import save_figure

    rows = result["indices"]
    atomic_write(out / "sensitivity.csv", pd.DataFrame(rows).to_csv(index=False).encode())
    save_figure(chart(result), out / "sensitivity")
    atomic_write(out / RESULT, (json.dumps(result, indent=1) + "\n").encode())


def chart(result: dict[str, Any]):
    """Bar chart of the indices with their 95% confidence intervals (a matplotlib figure)."""
    from sim.research.display import indices_chart

    return indices_chart(result)


class SensitivityResult(dict):
    """A sensitivity study: the sensitivity.json document (a dict) that shows itself.

    `indices()` is the table of indices, `plot()` their bars with 95% intervals, and a
    notebook shows both (`_repr_html_`). `SensitivityResult.read(out)` reopens a study."""

    @classmethod
    def read(cls, out: Path | str) -> SensitivityResult:
        """The study written in the folder `out` (its sensitivity.json)."""
        path = Path(out) / RESULT
        if not path.is_file():
            raise InputError(
                str(out), RESULT, "no sensitivity study here; run `wargame sensitivity` first"
            )
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def indices(self):
        """The indices as a DataFrame, most important parameter first."""
        import pandas as pd

        return pd.DataFrame(self["indices"])

    def plot(self):
        """Bars of the indices with their 95% confidence intervals (a matplotlib Figure)."""
        return chart(self)

    def _lines(self) -> list[str]:
        return [
            f"outcome {self['outcome']} at {self['date']}, {len(self['indices'])} parameters, "
            f"{self['runs']} runs ({self['points']} points x {self['replicates']} replicates)",
        ]

    def __repr__(self) -> str:
        from sim.research.display import short_repr

        top = self["indices"][0]["param"] if self["indices"] else "none"
        return short_repr(
            f"SensitivityResult: {self['method']} indices of {self['scenario']}",
            [*self._lines(), f"most important: {top}; .indices() for the table, .plot()"],
        )

    def _repr_html_(self) -> str:
        from sim.research.display import card, html_table, img

        cols = (
            ["param", "S1", "S1_conf", "ST", "ST_conf"]
            if self["method"] == "sobol"
            else ["param", "mu_star", "mu_star_conf", "sigma"]
        )
        return card(
            f"{self['method'].capitalize()} sensitivity of {self['scenario']}",
            self._lines(),
            [html_table(self["indices"], cols, {})],
            img(self.plot(), "sensitivity indices"),
        )


def run_study(
    scenario: str,
    method: str,
    params: list[str],
    runs: int,
    outcome: str,
    out: Path,
    seed: int = 0,
    overrides: list[str] | None = None,
    turns: int | None = None,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress=None,
    replicates: int = 4,
) -> SensitivityResult:
    """Run the study's batch in `out` (resumable) and write its indices there.

    Every design point is run `replicates` times on common random numbers (replicate i of
    every point draws the streams of run i) and the outcome is the mean over replicates, so
    the indices apportion the variance due to the parameters rather than to chance."""
    from sim.inputs.setup import build
    from sim.research.batch import run_batch
    from sim.research.request import DEFAULT_CHUNK, BatchRequest

    if method not in METHODS:
        raise InputError(
            "--method",
            method,
            f"unknown method '{method}'{did_you_mean(method, METHODS)}; {allowed(METHODS)}",
        )
    if not params:
        raise InputError(
            "--params",
            "",
            "give the parameters to study, e.g. --params DEU.china_caution,JPN.bandwidth",
        )
    if len(params) < 2 and method == "sobol":
        raise InputError("--params", ",".join(params), "a Sobol study needs at least 2 parameters")
    if replicates <= 0:
        raise InputError("--replicates", str(replicates), "allowed: 1 or more")
    setup = build(scenario, overrides or [], turns)
    target = Outcome.parse(outcome, setup.dyads)
    req = BatchRequest(
        scenario=scenario,
        runs=runs,
        out=Path(out),
        seed=seed,
        overrides=list(overrides or []),
        sample=method,
        params=list(params),
        turns=turns,
        chunk_size=DEFAULT_CHUNK if chunk_size is None else chunk_size,
        command="sensitivity",
        replicates=replicates,
        extra={"outcome": outcome},
        record="final",
        tables=("levels",),
    )
    prep = run_batch(req, engine, workers, scheduler, progress)
    T = prep.setup.turns
    y_runs = outcome_values(Path(out), target, T)
    y = y_runs.reshape(-1, replicates).mean(axis=1)
    result = {
        "scenario": prep.setup.name,
        "method": method,
        "outcome": outcome,
        "turn": T,
        "date": prep.setup.date(T),
        "runs": int(len(y_runs)),
        "points": int(len(y)),
        "replicates": replicates,
        "seed": seed,
        "design": prep.design.describe(),
        "indices": analyze(method, prep.design, y, seed),
    }
    write_results(Path(out), result)
    return SensitivityResult(result)

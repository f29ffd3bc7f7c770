"""Counterfactuals: paired baseline and counterfactual ensembles on common random numbers.

Both sides run the same run indices under the same seed, so every run meets the same world
drift, noise and event draws (sim/engine/rng.py) and the paired difference isolates the effect of
the change.

Two intervals, which answer different questions:
- **Monte Carlo precision** (`low`, `high`): a 90% percentile bootstrap of the *mean* paired
  difference over runs at the config's values (`scipy.stats.bootstrap`, resampling runs,
  i.e. pairs, with a generator seeded by --seed so it is reproducible). It shrinks as
  --runs grows: it says how well the runs pin down the model's answer, not how sure anyone should be of the answer.
- **With parameter uncertainty** (`param_low`, `param_high`; shown by default, N =
  DEFAULT_POINTS points or --runs if fewer, `--uncertainty 0` turns it off): the config's
  plausible ranges (every actor parameter and rule constant `range:`) are sampled as a Latin
  hypercube of N points (sim/research/uncertainty.py), each run about --runs / N times,
  baseline and counterfactual on the same points and run indices; the interval is the
  5–95% range of the paired differences over all sampled points × runs. It holds what the
  report leaves open about the parameters as well as chance, so it does not shrink with runs.
  By default the N points are parameter sets drawn from the shipped posterior
  (config/posterior.parquet, fitted to the record by `wargame calibrate --posterior`,
  sim/research/posterior.py) and the output says "with posterior uncertainty"; `prior`
  (`--prior`) samples the uniform ranges as above, and so does a missing posterior or one
  fitted to another engine or config, with a one-line note why.

A difference is **marked** only when its Monte Carlo interval excludes zero *and* it is at
least MATERIAL level points: with many runs a change of -0.0001 excludes zero, yet means
nothing on a 0–5 scale whose steps are whole levels (Ch1 › Methodology). It is marked
**robust** when the interval with parameter uncertainty excludes zero as well.

The README's worked example asks what happens if Germany sets aside its caution toward
China (Ch5 › Germany › Divergences, where the report names that caution as the brake on
German–Japanese security ties): `wargame compare baseline --set DEU.china_caution=0.1`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import InputError
from sim.research.memory import check_memory
from sim.vocabulary import TRACKS

BOOTSTRAP = 2000
LEVEL = 0.90
#: The smallest difference worth marking, in level points of the report's 0–5 scale
MATERIAL = 0.05
#: Latin-hypercube points of the parameter ranges a comparison samples by default
DEFAULT_POINTS = 50


@dataclass(repr=False)
class Comparison:
    """Paired baseline and counterfactual ensembles: `differences()` is the table over
    time, `plot()` the chart, `summary()` every number (as `wargame compare --json`)."""

    baseline: str
    counterfactual: str
    overrides: dict[str, float]
    runs: int
    seed: int
    dyads: list[str]
    dates: list[str]
    base: np.ndarray  # (T+1, R, D, K)
    cf: np.ndarray
    #: paired ensembles over sampled parameter points (T+1, points × runs_per_point, D, K)
    ubase: np.ndarray | None = None
    ucf: np.ndarray | None = None
    points: int = 0
    runs_per_point: int = 0
    #: "posterior" or "ranges" (sim/research/posterior.py `parameter_sample`) and why a
    #: posterior was not used ("" when it was, or when the ranges were asked for)
    source: str = "ranges"
    fallback: str = ""
    _summary: dict[str, Any] | None = field(default=None, compare=False)

    def differences(self):
        """Difference (counterfactual minus baseline) at every turn with its intervals,
        as a DataFrame."""
        return differences(self.summary())

    def final(self):
        """The final turn's differences with both intervals and marks, as a DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.summary()["final"])

    def plot(self):
        """The paired difference over time with its intervals (a matplotlib Figure)."""
        from sim.research.display import difference_chart

        return difference_chart(self.summary())

    def __repr__(self) -> str:
        from sim.research.display import comparison_repr

        return comparison_repr(self.summary())

    def _repr_html_(self) -> str:
        from sim.research.display import comparison_html

        return comparison_html(self.summary(), self.plot())

    def chart(self, path: str | None = None):
        """The chart of differences over time; written as PNG or SVG when `path` is given
        (by its suffix), else returned as a matplotlib figure."""
        fig = self.plot()
        if path is None:
            return fig
        from pathlib import Path

        from sim.files import atomic_write
        from sim.research.pages import figure_bytes

        target = Path(path)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in ("png", "svg"):
            raise InputError("--chart", str(path), "must end in .png or .svg")
        if not target.parent.is_dir():
            raise InputError("--chart", str(path), f"folder {target.parent} does not exist")
        atomic_write(target, figure_bytes(fig, fmt))
        return target

    def summary(self) -> dict[str, Any]:
        """Every number of the comparison (the `--json` document)."""
        if self._summary is None:
            self._summary = self._summarize()
        return self._summary

    def _summarize(self) -> dict[str, Any]:
        diff = self.cf - self.base  # (T+1, R, D, K)
        T1, R, D, K = diff.shape
        flat = diff.transpose(1, 0, 2, 3).reshape(R, -1)  # (R, T1*D*K)
        mean = flat.mean(axis=0)
        lo, hi = bootstrap_interval(flat, self.seed)
        shape = (T1, D, K)
        mean, lo, hi = (x.reshape(shape) for x in (mean, lo, hi))
        bmean = self.base.mean(axis=1)
        cmean = self.cf.mean(axis=1)
        a = (1.0 - LEVEL) / 2
        plo = phi = None
        if self.ubase is not None:
            plo, phi = np.quantile(self.ucf - self.ubase, [a, 1 - a], axis=1)  # (T1, D, K)

        def row(t, d, k):
            out = {
                "dyad": self.dyads[d],
                "track": TRACKS[k],
                "baseline": round(float(bmean[t, d, k]), 6),
                "counterfactual": round(float(cmean[t, d, k]), 6),
                "difference": round(float(mean[t, d, k]), 6),
                "low": round(float(lo[t, d, k]), 6),
                "high": round(float(hi[t, d, k]), 6),
            }
            if plo is not None:
                out["param_low"] = round(float(plo[t, d, k]), 6)
                out["param_high"] = round(float(phi[t, d, k]), 6)
            out["marked"] = excludes_zero(out["low"], out["high"]) and (
                abs(out["difference"]) >= MATERIAL
            )
            if plo is not None:
                out["robust"] = out["marked"] and excludes_zero(out["param_low"], out["param_high"])
            return out

        intervals = {"low_high": MC_NOTE}
        if plo is not None:
            intervals["param_low_high"] = param_note(self.points, self.runs_per_point, self.source)
        doc = {
            "baseline": self.baseline,
            "counterfactual": self.counterfactual,
            "overrides": self.overrides,
            "sides": sides(self.baseline, self.counterfactual, self.overrides),
            "difference": "counterfactual minus baseline",
            "material": MATERIAL,
            "marks": {
                "marked": f"the Monte Carlo interval excludes zero and the difference is at "
                f"least {MATERIAL} levels",
                "robust": "marked, and the interval with parameter uncertainty excludes zero",
            },
            "runs": self.runs,
            "seed": self.seed,
            "interval": LEVEL,
            "method": f"paired differences on common random numbers; "
            f"percentile bootstrap ({BOOTSTRAP} resamples, "
            f"scipy.stats.bootstrap)",
            "intervals": intervals,
        }
        if plo is not None:
            doc["uncertainty"] = {
                "points": self.points,
                "runs_per_point": self.runs_per_point,
                "design": design(self.source),
                "source": self.source,
            }
            if self.fallback:
                doc["uncertainty"]["fallback"] = self.fallback
        doc["final"] = [row(T1 - 1, d, k) for d in range(D) for k in range(K)]
        doc["over_time"] = [
            {"turn": t, "date": self.dates[t], **row(t, d, k)}
            for t in range(T1)
            for d in range(D)
            for k in range(K)
        ]
        return doc


MC_NOTE = (
    "Monte Carlo precision: 90% bootstrap interval of the mean paired difference at "
    "the config's values; it shrinks with more runs"
)


def excludes_zero(low: float, high: float) -> bool:
    return low > 0 or high < 0


def mark(row: dict[str, Any]) -> str:
    """'**' for a robust difference, '*' for a marked one, '' otherwise."""
    return "**" if row.get("robust") else "*" if row["marked"] else ""


def legend(summary: dict[str, Any]) -> str:
    """What the marks mean, in words."""
    out = (
        f"* the Monte Carlo interval excludes zero and the difference is at least "
        f"{summary['material']} levels (smaller differences are not marked)"
    )
    if "uncertainty" in summary:
        out += "; ** the interval with parameter uncertainty excludes zero as well"
    return out


def sides(baseline: str, counterfactual: str, overrides: dict[str, float]) -> dict[str, str]:
    """Each side in words: the scenario and what was changed."""
    changes = ", ".join(f"{k} = {v:g}" for k, v in overrides.items())
    return {
        "baseline": f"scenario '{baseline}' as written",
        "counterfactual": f"scenario '{counterfactual}'"
        + (f" with {changes}" if changes else " as written"),
    }


def design(source: str) -> str:
    """What the parameter sets of a comparison are, in words."""
    from sim.research.posterior_file import posterior_label

    if source == "posterior":
        return f"weighted draws of the posterior ({posterior_label()})"
    return "Latin hypercube of the config's plausible ranges"


def param_note(points: int, per_point: int, source: str = "ranges") -> str:
    if source == "posterior":
        from sim.research.posterior_file import posterior_label

        return (
            f"with posterior uncertainty: 5-95% range of paired differences over {points} "
            f"parameter sets drawn from the posterior ({posterior_label()}) x "
            f"{per_point} runs each"
        )
    return (
        f"with parameter uncertainty: 5-95% range of paired differences over {points} "
        f"Latin-hypercube points of the config's plausible ranges x {per_point} runs each"
    )


def differences(summary: dict[str, Any]):
    """The summary's difference at every turn as a DataFrame (turn, date, dyad, track,
    baseline, counterfactual, difference, low, high)."""
    import pandas as pd

    return pd.DataFrame(summary["over_time"])


def bootstrap_interval(
    x: np.ndarray, seed: int, b: int = BOOTSTRAP, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the column means of x (R runs, C columns): x holds
    the paired differences (counterfactual minus baseline) of each run, so resampling runs
    resamples pairs.

    `scipy.stats.bootstrap` with `b` resamples of the runs, shared by every column, from a
    generator seeded with `seed`: the same inputs give the same interval. What is resampled
    is the run index; a resample's statistic is the mean of its runs' rows, computed as
    count weights times x in one matrix product (the same numbers as bootstrapping x with
    `np.mean`, without copying x once per resample)."""
    from scipy.stats import bootstrap

    R, C = x.shape
    if R < 2:  # one pair: no spread to resample
        return x[0].astype(float), x[0].astype(float)

    def mean_of_runs(idx: np.ndarray, axis: int = -1) -> np.ndarray:
        flat = np.asarray(idx).reshape(-1, R)  # (n, R) run indices of n resamples
        n = len(flat)
        w = np.bincount((flat + (np.arange(n) * R)[:, None]).ravel(), minlength=n * R).reshape(n, R)
        means = (w @ x) / R  # (n, C)
        # columns first, resamples last, as scipy expects of a vectorized statistic
        return np.moveaxis(means.reshape(*np.shape(idx)[:-1], C), -1, 0)

    res = bootstrap(
        (np.arange(R),),
        mean_of_runs,
        n_resamples=b,
        confidence_level=level,
        method="percentile",
        vectorized=True,
        batch=max(1, 4_000_000 // (R + C)),  # resamples per call: bounds memory
        rng=np.random.default_rng(seed),
    )
    return res.confidence_interval.low, res.confidence_interval.high


def compare(
    scenario: str,
    overrides: list[str],
    runs: int,
    seed: int = 0,
    against: str | None = None,
    turns: int | None = None,
    uncertainty: int | None = None,
    prior: bool = False,
) -> Comparison:
    """Baseline = SCENARIO as written; counterfactual = AGAINST (default SCENARIO) with the
    overrides. Only dyads present in both are compared, over the shorter horizon.

    Both are also run over N sampled points of the config's plausible ranges (about
    runs / N runs each, at least one), paired point by point: N = `uncertainty`, by default
    DEFAULT_POINTS or `runs` if fewer; 0 leaves parameter uncertainty out. The points are
    draws of the shipped posterior (config/posterior.parquet), or with `prior` (or without a
    posterior fitted to this model, with a note why) the Latin hypercube of the ranges."""
    from sim.engine.model import Ensemble
    from sim.inputs.setup import build

    if runs <= 0:
        raise InputError(
            "--runs", "runs", f"{runs} is not a positive number of runs; allowed: 1 or more"
        )
    if uncertainty is None:
        uncertainty = min(DEFAULT_POINTS, max(runs, 1))
    if not 0 <= uncertainty <= 10_000:
        raise InputError(
            "--uncertainty",
            "uncertainty",
            f"{uncertainty} is out of range; allowed: 0 (off) to 10000 sampled points",
        )
    if not overrides and against is None:
        raise InputError(
            "--set",
            "",
            "nothing to compare: give --set ACTOR.param=VALUE and/or --against SCENARIO",
        )
    # the overrides are checked against the compared scenario's actors (it may add some)
    base_setup = build(scenario, [], turns)
    cf_setup = build(against or scenario, overrides, turns)
    common = [d for d in base_setup.dyads if d in cf_setup.dyads]
    if not common:
        raise InputError("--against", str(against), "shares no dyad with the baseline scenario")
    T = min(base_setup.turns, cf_setup.turns)
    check_memory(runs, max(1, runs // uncertainty) * uncertainty if uncertainty else 0, T)
    idx = np.arange(runs)
    out, sampled = [], []
    ps = None
    if uncertainty:
        from sim.research.posterior_file import parameter_sample

        ps = parameter_sample(base_setup, uncertainty, max(1, runs // uncertainty), seed, prior)
    for setup in (base_setup, cf_setup):
        sel = [setup.dyads.index(d) for d in common]
        m = Ensemble(setup, seed=seed, runs=idx).run(T)
        out.append(m.level_history()[:, :, sel])
        if ps is not None:
            # sampled runs draw their own streams (indices after the point-estimate runs)
            m = Ensemble(
                setup,
                seed=seed,
                runs=np.arange(runs, runs + ps.runs),
                run_params=ps.run_params(setup),
            ).run(T)
            sampled.append(m.level_history()[:, :, sel])
    c = Comparison(
        base_setup.name,
        cf_setup.name,
        cf_setup.overrides,
        runs,
        seed,
        common,
        [base_setup.date(t) for t in range(T + 1)],
        out[0],
        out[1],
    )
    if ps is not None:
        c.ubase, c.ucf = sampled
        c.points, c.runs_per_point = ps.points, ps.runs_per_point
        c.source, c.fallback = ps.source, ps.note
    return c

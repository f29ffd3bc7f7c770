"""Experimental designs for batches: sweeps, grids, Latin hypercubes, Sobol and Morris samples.

A design turns the command-line request into per-run parameter values, one row per run of
the batch: these become `run_params` of the model and the columns of runs.parquet. Bounds
default to each parameter's plausible `range:` in config/actors.yaml (the ranges summarise
where the report places each motivation, divergence and constraint, Ch2 › each country's
Motivations). Every random choice is derived from the batch seed through sim.engine.rng (or passed
to SALib as an explicit seed), never from global state, so a design is reproducible.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine.rng import run_keys
from sim.errors import InputError
from sim.inputs.params import ParamKey
from sim.inputs.setup import Setup

#: posterior: one parameter set per run drawn from config/posterior.parquet
#: (sim/research/posterior.py), every key it holds at once
SAMPLES = ("grid", "lhs", "sobol", "morris", "posterior")
DEFAULT_STEPS = 5
MORRIS_LEVELS = 4


@dataclass
class Design:
    """Per-run parameter values of a batch.

    `kind` is none, sweep, grid, lhs, sobol or morris; `values` maps 'ACTOR.param' to an
    array with one value per run; `points` is the number of distinct parameter points and
    `replicates` the runs per point (sweeps and grids replicate every point `--runs` times).
    """

    kind: str
    runs: int
    params: list[str] = field(default_factory=list)
    bounds: list[tuple[float, float]] = field(default_factory=list)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    points: int = 1
    replicates: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    #: index whose random stream each run uses (default: its own run index)
    rng_index: np.ndarray | None = None

    def rng_runs(self) -> np.ndarray:
        return np.arange(self.runs) if self.rng_index is None else self.rng_index

    def common_random_numbers(self, reps: int) -> Design:
        """Every design point run `reps` times, replicate i of every point drawing the
        random stream of run i: outcomes become a deterministic function of the parameters
        given those streams, so variance-based indices measure parameters, not noise."""
        values = {k: np.repeat(v, reps) for k, v in self.values.items()}
        extra = dict(self.extra, common_random_numbers=reps)
        return Design(
            self.kind,
            self.runs * reps,
            self.params,
            self.bounds,
            values,
            self.points,
            reps,
            extra,
            np.tile(np.arange(reps), self.runs),
        )

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "params": self.params,
            "bounds": [list(b) for b in self.bounds],
            "points": self.points,
            "replicates": self.replicates,
            "runs": self.runs,
            **self.extra,
        }

    def problem(self) -> dict[str, Any]:
        """The SALib problem dictionary of the design's parameters."""
        return {
            "num_vars": len(self.params),
            "names": list(self.params),
            "bounds": [list(b) for b in self.bounds],
        }


def param_bounds(setup: Setup, key: str, source: str) -> tuple[str, tuple[float, float]]:
    """Canonical key and its default bounds (the config range), rejecting empty ranges."""
    pk = ParamKey.parse(key, setup.actors, file=source)
    lo, hi = (float(x) for x in pk.plausible_range(setup.config))
    if not lo < hi:
        raise InputError(
            source,
            key,
            f"{pk} has an empty range [{lo:g}, {hi:g}] in "
            f"{pk.config_file}; give explicit bounds LO:HI:STEPS with LO < HI",
        )
    return str(pk), (lo, hi)


def parse_sweep(setup: Setup, item: str) -> tuple[str, np.ndarray]:
    """'ACTOR.param=LO:HI:STEPS', 'ACTOR.param=STEPS' or 'ACTOR.param' -> (key, values)."""
    src = "--sweep"
    key, eq, spec = item.partition("=")
    key = key.strip()
    pk = ParamKey.parse(key, setup.actors, file=src)
    key = str(pk)
    parts = [x.strip() for x in spec.split(":")] if eq else []
    try:
        if len(parts) == 3:
            lo, hi, steps = float(parts[0]), float(parts[1]), int(parts[2])
        elif len(parts) <= 1:
            _, (lo, hi) = param_bounds(setup, key, src)
            steps = int(parts[0]) if parts and parts[0] else DEFAULT_STEPS
        else:
            raise ValueError
    except ValueError:
        raise InputError(
            src,
            item,
            "write ACTOR.param=LO:HI:STEPS (e.g. DEU.china_caution="
            "0.1:0.7:4), ACTOR.param=STEPS or ACTOR.param",
        ) from None
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise InputError(src, item, "bounds must be finite numbers")
    if steps < 1 or lo > hi or (lo == hi and steps > 1):
        raise InputError(
            src,
            item,
            f"empty range {lo:g}:{hi:g}:{steps}; need LO < HI and "
            "STEPS >= 2 (or LO = HI with STEPS = 1)",
        )
    if steps > 10_000:
        raise InputError(src, item, f"{steps} steps is too many; allowed: 1 to 10000")
    for v in (lo, hi):
        pk.check(v, src, item)
    # rounded so that 0.1:0.5:3 gives 0.3, not 0.30000000000000004
    return key, np.round(np.linspace(lo, hi, steps), 12) if steps > 1 else np.array([lo])


def _salib_seed(seed: int) -> int:
    """A positive 31-bit seed for SALib derived from the batch seed (SALib treats 0 as
    'no seed' in places and falls back to global state)."""
    return int(run_keys(seed, np.array([0]))[0] % np.uint64(2**31 - 1)) + 1


def make_design(
    setup: Setup,
    runs: int,
    seed: int,
    sweeps: list[str] | None = None,
    sample: str | None = None,
    params: list[str] | None = None,
) -> Design:
    """Build the design of a batch (see `wargame batch --help` for the meaning of --runs)."""
    sweeps = list(sweeps or [])
    check_design_arguments(runs, sweeps, sample, params)
    if sweeps:
        return sweep_design(setup, sweeps, runs)
    if sample is None:
        return Design("none", runs)
    if sample not in SAMPLES:
        from sim.errors import allowed, did_you_mean

        raise InputError(
            "--sample",
            sample,
            f"unknown design '{sample}'{did_you_mean(sample, SAMPLES)}; {allowed(SAMPLES)}",
        )
    if sample == "posterior":
        from sim.research.posterior_file import posterior_design

        return posterior_design(setup, runs, seed)
    if not params:
        raise InputError("--params", "", f"--sample {sample} needs --params ACTOR.param,...")
    keys, bounds = sampled_params(setup, params)
    if sample == "grid":
        return grid_design(keys, bounds, runs)
    if sample == "lhs":
        return lhs_design(keys, bounds, runs, seed)
    return salib_design(sample, keys, bounds, runs, seed)


def check_design_arguments(
    runs: int, sweeps: list[str], sample: str | None, params: list[str] | None
) -> None:
    """A positive number of runs; --sweep or --sample, not both; --params only with
    --sample."""
    if runs <= 0:
        raise InputError(
            "--runs", "runs", f"{runs} is not a positive number of runs; allowed: 1 or more"
        )
    if sweeps and sample:
        raise InputError("--sample", sample, "use either --sweep or --sample, not both")
    if sample is None and params:
        raise InputError(
            "--params", ",".join(params), "--params needs --sample grid|lhs|sobol|morris"
        )


def sweep_design(setup: Setup, sweeps: list[str], runs: int) -> Design:
    """The grid crossing every --sweep, each point replicated `runs` times."""
    axes = [parse_sweep(setup, s) for s in sweeps]
    keys = [k for k, _ in axes]
    if len(set(keys)) != len(keys):
        raise InputError("--sweep", ",".join(keys), "a parameter is swept twice")
    grid = np.array(list(itertools.product(*[v for _, v in axes])), dtype=float)
    bounds = [(float(v[0]), float(v[-1])) for _, v in axes]
    return _replicated("sweep", keys, bounds, grid, runs, {"steps": [len(v) for _, v in axes]})


def sampled_params(setup: Setup, params: list[str]) -> tuple[list[str], list[tuple[float, float]]]:
    """The keys of --params (canonical, each listed once) and their config ranges."""
    pairs = [param_bounds(setup, k, "--params") for k in params]
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InputError("--params", ",".join(keys), "a parameter is listed twice")
    return keys, [b for _, b in pairs]


def grid_design(keys: list[str], bounds: list[tuple[float, float]], runs: int) -> Design:
    """A full grid of about `runs` points: the same number of steps (at least 2) per key."""
    D = len(keys)
    steps = max(2, int(np.floor(runs ** (1.0 / D) + 1e-9)))
    axes = [np.linspace(a, b, steps) for a, b in bounds]
    grid = np.array(list(itertools.product(*axes)), dtype=float)
    return Design(
        "grid",
        len(grid),
        keys,
        bounds,
        {k: grid[:, i] for i, k in enumerate(keys)},
        points=len(grid),
        extra={"steps": [steps] * D},
    )


def lhs_design(keys: list[str], bounds: list[tuple[float, float]], runs: int, seed: int) -> Design:
    """`runs` points of a Latin hypercube: one point per stratum of every parameter
    (scipy's), seeded from the batch seed."""
    from scipy.stats import qmc

    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    rng = np.random.default_rng(_salib_seed(seed))
    unit = qmc.LatinHypercube(d=len(keys), rng=rng).random(runs)
    x = qmc.scale(unit, lo, hi).T  # (D, runs)
    return Design(
        "lhs",
        runs,
        keys,
        bounds,
        {k: x[i] for i, k in enumerate(keys)},
        points=runs,
        extra={"sampler": "scipy.stats.qmc.LatinHypercube"},
    )


def salib_design(
    sample: str, keys: list[str], bounds: list[tuple[float, float]], runs: int, seed: int
) -> Design:
    """SALib's sample for `sample` sobol (`runs` base samples, Saltelli, first and total
    order) or morris (`runs` trajectories on MORRIS_LEVELS levels), seeded from the batch
    seed."""
    problem = {"num_vars": len(keys), "names": keys, "bounds": [list(b) for b in bounds]}
    sseed = _salib_seed(seed)
    if sample == "sobol":
        import warnings

        from SALib.sample import sobol

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SALib warns when N is not a power of 2
            x = sobol.sample(problem, runs, calc_second_order=False, scramble=True, seed=sseed)
        extra = {"base_samples": runs, "calc_second_order": False, "salib_seed": sseed}
    else:
        from SALib.sample import morris

        x = morris.sample(problem, runs, num_levels=MORRIS_LEVELS, seed=sseed)
        extra = {"trajectories": runs, "num_levels": MORRIS_LEVELS, "salib_seed": sseed}
    x = np.asarray(x, dtype=float)
    return Design(
        sample,
        len(x),
        keys,
        bounds,
        {k: x[:, i].copy() for i, k in enumerate(keys)},
        points=len(x),
        extra=extra,
    )


def _replicated(
    kind: str, keys: list[str], bounds, grid: np.ndarray, reps: int, extra: dict[str, Any]
) -> Design:
    """Every grid point repeated `reps` times: run = point * reps + replicate."""
    values = {k: np.repeat(grid[:, i], reps) for i, k in enumerate(keys)}
    return Design(
        kind, len(grid) * reps, keys, bounds, values, points=len(grid), replicates=reps, extra=extra
    )


def uncertainty_ranges(setup, params: list[str] | None = None) -> dict[str, tuple[float, float]]:
    """'ACTOR.param' -> (lo, hi) for every parameter of the setup's actors (those a
    scenario adds too) with a non-empty config range (or only `params`, which may also name
    rule constants MODEL.track.name)."""
    from sim.vocabulary import PARAMS

    if params:
        return dict(param_bounds(setup, p, "params") for p in params)
    out = {}
    for key in (ParamKey.actor_param(a, p) for a in setup.actors for p in PARAMS):
        lo, hi = (float(x) for x in key.plausible_range(setup.config))
        if lo < hi:
            out[str(key)] = (lo, hi)
    return out

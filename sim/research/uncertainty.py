"""Parameter uncertainty: Latin hypercube samples of the config's plausible ranges.

Every value in config/ carries a plausible `range:` (config/README.md): the actor parameters
of config/actors.yaml (Ch2–Ch6 › Motivations, Divergences; Ch7 › Temper Expectations) and
the rule constants of config/model.yaml (keys `MODEL.track.name` and `MODEL.group.name`). A sample is N points of
a Latin hypercube over every range that is not a single value; each point becomes per-run
parameter values on the ensemble axis (`run_params` of the engine's `Ensemble`), so a sampled
ensemble is one model stepping N points × r runs at once.

Sampling uses `scipy.stats.qmc.LatinHypercube` with a generator seeded from the base seed,
so the same seed gives the same points. Both sides of a paired comparison use the same
points and run indices; a key that a side fixes itself (a `--set` override or a scenario
override) keeps that side's value and is not sampled there.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from sim.inputs.domains import RULE_DOMAIN, TRACK_DOMAIN
from sim.inputs.params import ParamKey
from sim.inputs.setup import Setup
from sim.vocabulary import PARAMS, TRACKS

#: Keys whose plausible range is a single value are fixed (e.g. a state's consensus friction).
MIN_WIDTH = 1e-12


def plausible_ranges(setup: Setup) -> list[tuple[str, float, float]]:
    """(key, low, high) of every actor parameter and rule constant with a non-empty range,
    in a fixed order (actors × parameters, tracks × per-track constants, scalar rules)."""
    keys = (
        [ParamKey.actor_param(a, p) for a in setup.actors for p in PARAMS]
        + [ParamKey.track_constant(tr, name) for tr in TRACKS for name in TRACK_DOMAIN]
        + [ParamKey.rule_constant(rule) for rule in RULE_DOMAIN]
    )
    out = []
    for key in keys:
        lo, hi = (float(x) for x in key.plausible_range(setup.config))
        if hi - lo > MIN_WIDTH:
            out.append((str(key), lo, hi))
    return out


def latin_hypercube(
    ranges: list[tuple[str, float, float]], points: int, seed: int
) -> dict[str, np.ndarray]:
    """`points` values per key, one per stratum of every range (scipy.stats.qmc), seeded."""
    from scipy.stats import qmc

    if points < 1:
        raise ValueError("points must be at least 1")
    gen = np.random.default_rng(np.random.SeedSequence([int(seed), 0x4C4853]))
    kw = "rng" if "rng" in inspect.signature(qmc.LatinHypercube).parameters else "seed"
    unit = qmc.LatinHypercube(d=len(ranges), **{kw: gen}).random(points)  # (points, d)
    return {key: lo + unit[:, i] * (hi - lo) for i, (key, lo, hi) in enumerate(ranges)}


@dataclass(frozen=True)
class ParameterSample:
    """N sampled points of the plausible ranges, each replicated over r runs.

    `values[key]` has one value per sampled run (point-major: run j belongs to point
    j // runs_per_point)."""

    points: int
    runs_per_point: int
    seed: int
    values: dict[str, np.ndarray]
    #: "ranges" (this Latin hypercube) or "posterior" (draws of config/posterior.parquet,
    #: sim/research/posterior.py)
    source: str = "ranges"
    #: why a posterior was asked for and the ranges were sampled instead ("" otherwise)
    note: str = ""

    @property
    def runs(self) -> int:
        return self.points * self.runs_per_point

    def point_of_run(self) -> np.ndarray:
        return np.repeat(np.arange(self.points), self.runs_per_point)

    def run_params(self, setup: Setup, prefix: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Per-run values for `setup`, without the keys that setup fixes by an override
        (or whose actor it does not have).

        With `prefix` (a number of leading runs), those runs get the setup's own values
        (the point estimates) and the sampled runs follow them."""
        out = {}
        for key, v in self.values.items():
            if key in setup.overrides:
                continue
            if ParamKey.parse(key, None).actor not in (None, *setup.actors):
                continue  # an actor this scenario does not have
            if prefix is not None:
                v = np.concatenate([np.full(int(prefix), point_value(setup, key)), v])
            out[key] = v
        return out


def sample(setup: Setup, points: int, runs_per_point: int, seed: int) -> ParameterSample:
    """Latin hypercube over the plausible ranges of `setup`'s config."""
    if runs_per_point < 1:
        raise ValueError("runs_per_point must be at least 1")
    lhs = latin_hypercube(plausible_ranges(setup), points, seed)
    return ParameterSample(
        points, runs_per_point, seed, {k: np.repeat(v, runs_per_point) for k, v in lhs.items()}
    )


def point_value(setup: Setup, key: str) -> float:
    """The value `setup` runs with for `key` (config value after overrides)."""
    return ParamKey.parse(key, setup.actors).get(setup)


#: A claim that fails the battery's robust check names the sampled parameter whose values
#: rank most with its effect per point, when that rank correlation is at least
#: `DRIVER_RHO` and its p-value below `DRIVER_P` over the number of parameters tried (a
#: Bonferroni bound): with 64 points and some 280 parameters both hold near |rho| 0.5; with
#: a handful of points the p-values of a rank correlation are too rough to trust, so below
#: `DRIVER_MIN_POINTS` none is named. A named parameter is where the claim's robustness
#: turns, not chance among many.
DRIVER_RHO = 0.5
DRIVER_P = 0.01
DRIVER_MIN_POINTS = 20


def robust_driver(effect: np.ndarray, values: dict[str, np.ndarray]) -> tuple[str, float] | None:
    """The parameter whose sampled values (one per point) rank most with a claim's `effect`
    per point, signed so that it grows in the claim's direction, and that Spearman rank
    correlation (positive: the claim holds more where the value is higher); None when the
    effect does not vary, there are fewer than `DRIVER_MIN_POINTS` points, or no parameter
    passes `DRIVER_RHO` and `DRIVER_P`."""
    from scipy.stats import spearmanr

    if len(effect) < DRIVER_MIN_POINTS or np.ptp(effect) == 0:
        return None
    best: tuple[str, float, float] | None = None
    tried = 0
    for key in sorted(values):
        x = values[key]
        if np.ptp(x) == 0:
            continue
        tried += 1
        r = spearmanr(x, effect)
        rho, p = float(r.statistic), float(r.pvalue)
        if np.isfinite(rho) and (best is None or abs(rho) > abs(best[1])):
            best = (key, rho, p)
    if best is None or abs(best[1]) < DRIVER_RHO or best[2] >= DRIVER_P / tried:
        return None
    return best[0], best[1]

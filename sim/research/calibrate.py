"""Reproducible calibration: fit chosen constants so that the model reproduces the report's
2019 ratings (digest §3) at the end of the 2012–2019 replay and keeps them as the steady
state of the baseline.

`wargame calibrate --free MODEL.exercise.bias --free DEU.bandwidth ...` minimises, by
bounded least squares (scipy), the gaps between

- the median 2019-Q4 levels of `history-2012-2019` and the ratings, and
- the median levels of `baseline` after its last turn and the same ratings,

over one seeded ensemble per evaluation (common random numbers across evaluations, so the
objective is smooth in the constants). Free constants are actor parameters (`ACTOR.param`)
or rule constants (`MODEL.track.name`); each moves only inside its `range:` in config/. The
command prints the fitted values and the gaps before and after; `validate-model` remains the
test of the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InputError
from sim.inputs.params import ParamKey
from sim.inputs.setup import Setup, build
from sim.research.design import param_bounds
from sim.research.validation import BASELINE, HISTORY, RATINGS


@dataclass(frozen=True)
class Free:
    """One constant the fit may move: its key, current value and bounds."""

    key: str
    value: float
    lo: float
    hi: float


def parse_free(keys: list[str], setup: Setup) -> list[Free]:
    """The constants to fit, with their config ranges as bounds (same keys as sweeps)."""
    if not keys:
        raise InputError(
            "--free", "", "name at least one constant to fit, e.g. --free MODEL.exercise.bias"
        )
    out = []
    for key in keys:
        key, (lo, hi) = param_bounds(setup, key, "--free")
        out.append(Free(key, ParamKey.parse(key, setup.actors).get(setup), lo, hi))
    return out


def gaps(
    setups: tuple[Setup, ...], free: list[Free], x: np.ndarray, runs: int, seed: int
) -> np.ndarray:
    """Median end levels minus the ratings, with the free constants at `x` (set for every
    run through the engine's per-run parameters): history (D*K) then baseline (D*K)."""
    from sim.engine.model import Ensemble

    values = {f.key: np.full(runs, v) for f, v in zip(free, x, strict=True)}
    out = []
    for s in setups:
        m = Ensemble(s, seed=seed, runs=runs, run_params=values).run()
        med = np.median(m.levels, axis=0)
        target = np.array([RATINGS[d] for d in s.dyads])
        out.append((med - target).ravel())
    return np.concatenate(out)


def fit(
    free_keys: list[str],
    runs: int = 64,
    seed: int = 0,
    scenarios: tuple[str, str] = (HISTORY, BASELINE),
):
    """Fit; returns (free, fitted values, gaps before, gaps after)."""
    from scipy.optimize import least_squares

    base = tuple(build(s) for s in scenarios)
    for s in base:
        missing = [d for d in s.dyads if d not in RATINGS]
        if missing:
            raise InputError(
                str(s.path),
                "dyads",
                f"no 2019 rating for {', '.join(missing)}; "
                f"calibration targets: {', '.join(RATINGS)}",
            )
    free = parse_free(free_keys, base[0])
    x0 = np.array([f.value for f in free])
    lo = np.array([f.lo for f in free])
    hi = np.array([f.hi for f in free])

    def residuals(x):
        return gaps(base, free, x, runs, seed)

    before = residuals(x0)
    res = least_squares(
        residuals, np.clip(x0, lo, hi), bounds=(lo, hi), diff_step=0.05, max_nfev=40 * len(free)
    )
    return free, res.x, before, residuals(res.x)

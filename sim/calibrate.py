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

import dataclasses
from dataclasses import dataclass

import numpy as np

from .errors import InputError, allowed, did_you_mean
from .ids import TRACKS
from .setup import AI, PI, Setup, build

HISTORY, BASELINE = "history-2012-2019", "baseline"
RATINGS: dict[str, tuple[float, float, float]] = {
    "JPN-GBR": (4, 4, 4), "JPN-FRA": (4, 3, 3), "JPN-DEU": (2, 2, 1), "JPN-NATO": (2, 2, 2)}
CONSTS = ("bias", "caution_gap", "own_caution", "russia_gap", "domestic", "visibility", "cost",
          "bandwidth_priority", "up", "down", "noise", "event_rate")


@dataclass(frozen=True)
class Free:
    """One constant the fit may move: its key, current value and bounds."""

    key: str
    value: float
    lo: float
    hi: float


def parse_free(keys: list[str], setup: Setup) -> list[Free]:
    out = []
    for key in keys:
        if key.startswith("MODEL."):
            parts = key.split(".")
            if len(parts) != 3 or parts[1] not in TRACKS or parts[2] not in CONSTS:
                bad = parts[2] if len(parts) == 3 else key
                raise InputError("--free", key, "write MODEL.track.name with track one of "
                                 f"{', '.join(TRACKS)}{did_you_mean(bad, CONSTS)}; "
                                 f"{allowed(CONSTS)}")
            sv = getattr(setup.config.model.tracks[parts[1]], parts[2])
            out.append(Free(key, sv.value, *sv.range))
        else:
            from .loader import parse_param_key

            a, p = parse_param_key(key, "--free", key)
            lo, hi = setup.param_ranges[AI[a], PI[p]]
            out.append(Free(f"{a}.{p}", float(setup.params[AI[a], PI[p]]), lo, hi))
        if not out[-1].lo < out[-1].hi:
            raise InputError("--free", key, f"its range [{out[-1].lo}, {out[-1].hi}] is empty; "
                             "nothing to fit")
    if not out:
        raise InputError("--free", "", "name at least one constant to fit, e.g. "
                         "--free MODEL.exercise.bias")
    return out


def with_values(setup: Setup, free: list[Free], x: np.ndarray) -> Setup:
    """`setup` with the free constants set to `x` (actor parameters set for every run)."""
    track = {k: v.copy() for k, v in setup.track.items()}
    params = setup.params.copy()
    for f, v in zip(free, x, strict=True):
        if f.key.startswith("MODEL."):
            _, tr, name = f.key.split(".")
            track[name][TRACKS.index(tr)] = v
        else:
            a, p = f.key.split(".")
            params[AI[a], PI[p]] = v
    return dataclasses.replace(setup, track=track, params=params)


def gaps(setups: tuple[Setup, Setup], runs: int, seed: int) -> np.ndarray:
    """Median end levels minus the ratings: history (D*K) then baseline (D*K)."""
    from .model import WargameModel

    out = []
    for s in setups:
        m = WargameModel(s, seed=seed, runs=runs).run()
        med = np.median(m.levels, axis=0)
        target = np.array([RATINGS[d] for d in s.dyads])
        out.append((med - target).ravel())
    return np.concatenate(out)


def fit(free_keys: list[str], runs: int = 64, seed: int = 0,
        scenarios: tuple[str, str] = (HISTORY, BASELINE)):
    """Fit; returns (free, fitted values, gaps before, gaps after)."""
    from scipy.optimize import least_squares

    base = tuple(build(s) for s in scenarios)
    for s in base:
        missing = [d for d in s.dyads if d not in RATINGS]
        if missing:
            raise InputError(str(s.path), "dyads", f"no 2019 rating for {', '.join(missing)}; "
                             f"calibration targets: {', '.join(RATINGS)}")
    free = parse_free(free_keys, base[0])
    x0 = np.array([f.value for f in free])
    lo = np.array([f.lo for f in free])
    hi = np.array([f.hi for f in free])

    def residuals(x):
        return gaps(tuple(with_values(s, free, x) for s in base), runs, seed)

    before = residuals(x0)
    res = least_squares(residuals, np.clip(x0, lo, hi), bounds=(lo, hi), diff_step=0.05,
                        max_nfev=40 * len(free))
    return free, res.x, before, residuals(res.x)
